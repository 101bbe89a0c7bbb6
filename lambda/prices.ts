/**
 * App Runner's published prices: the one price table of the project. Pure data, no AWS call.
 *
 * Source: the AWS App Runner pricing page (https://aws.amazon.com/apprunner/pricing/), read on
 * 2026-12-01 through its stored copies (the English facts sheet of this project,
 * /work/shared/apprunner-facts.md, and the page's Japanese and French editions, which say the same):
 * "Provisioned container instances: $0.007 / GB-hour. The $0.007 / GB-hour pricing applies to the US
 * East (N. Virginia), US East (Ohio), US West (Oregon) and Europe (Ireland) AWS Regions. In the Asia
 * Pacific (Tokyo) Region the price is $0.009 / GB-hour." Active container instances cost $0.064 per
 * vCPU-hour plus the same GB-hour price in the first four; the page states no vCPU price for Tokyo,
 * and the figure does not use one (see `lambda/savings.ts`).
 *
 * Any other region App Runner runs in is left out on purpose: the page publishes no price for it, and
 * a figure from a guessed price would be a wrong number. A service there is reported `unpriced`.
 * To add a region, add its price from the pricing page here, with the date it was read.
 */

/** The date the prices below were read from the pricing page. */
export const PRICES_READ_ON = '2026-12-01';

/** Where the prices come from. */
export const PRICE_SOURCE = 'https://aws.amazon.com/apprunner/pricing/';

/** The currency of every price here. */
export const PRICE_CURRENCY = 'USD';

/** USD per GB-hour of memory of a provisioned container instance, by region code. */
const PROVISIONED_MEMORY_USD_PER_GB_HOUR: Readonly<Record<string, number>> = {
  'us-east-1': 0.007,
  'us-east-2': 0.007,
  'us-west-2': 0.007,
  'eu-west-1': 0.007,
  'ap-northeast-1': 0.009,
};

/** The regions the table prices, sorted. */
export const PRICED_REGIONS: readonly string[] = Object.keys(PROVISIONED_MEMORY_USD_PER_GB_HOUR).sort();

/** The provisioned-memory price of a region in USD per GB-hour, or undefined when the table has none. */
export function provisionedMemoryPrice(region: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(PROVISIONED_MEMORY_USD_PER_GB_HOUR, region) ? PROVISIONED_MEMORY_USD_PER_GB_HOUR[region] : undefined;
}

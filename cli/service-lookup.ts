/**
 * Turns what a person typed for a service (an ARN or a name) into ARNs. A name is looked up with
 * ListServices in the given regions: App Runner keeps names unique among a region's live services,
 * so a name found in two regions, or only among deleted services more than once, is ambiguous.
 */
import type { AppRunnerGateway, ServiceSummary } from '../lambda/app-runner';

/** A name that matches no service, or more than one. */
export class ServiceLookupError extends Error {
  constructor(
    /** The argument the name came from (`service`, `--services`). */
    readonly argument: string,
    readonly reference: string,
    /** The services of that name, in every region looked at. */
    readonly matches: readonly (ServiceSummary & { readonly region: string })[],
    readonly regions: readonly string[],
  ) {
    super(
      matches.length === 0
        ? `${argument}: received "${reference}"; expected the ARN or the name of a service, and no service in ${regions.join(', ')} is named "${reference}" (give its ARN, or its region with --region/--regions)`
        : `${argument}: received "${reference}"; expected one service, and ${matches.length} are named so: ${matches
            .map((m) => `${m.arn} (${m.status})`)
            .join(', ')}; give the ARN`,
    );
    this.name = 'ServiceLookupError';
  }
}

/** Resolves each reference to an ARN; ARNs pass through. Each region is listed once, only when a name needs it. */
export async function resolveServices(
  references: readonly string[],
  regions: readonly string[],
  gateway: AppRunnerGateway,
  argument: string,
): Promise<string[]> {
  const names = references.filter((r) => !r.startsWith('arn:'));
  if (names.length === 0) return [...references];
  const listings = await Promise.all(regions.map(async (region) => ({ region, services: (await gateway.listServices(region)).services })));
  return references.map((reference) => {
    if (reference.startsWith('arn:')) return reference;
    const matches = listings.flatMap(({ region, services }) => services.filter((s) => s.name === reference).map((s) => ({ ...s, region })));
    const live = matches.filter((m) => m.status !== 'DELETED');
    const chosen = live.length > 0 ? live : matches;
    if (chosen.length !== 1) throw new ServiceLookupError(argument, reference, chosen, regions);
    return chosen[0].arn;
  });
}

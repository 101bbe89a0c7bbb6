/**
 * Finds the services a run acts on, with their status and tags, in as few reads as the permissions
 * allow: with tag selection, one ListServices walk and one GetResources walk per region (the function
 * may list every service there, but read and change only those carrying the selector tags); for
 * listed ARNs outside that, a ListServices walk of their region for statuses when it costs no more
 * than describing them, and ListTagsForResource on each ARN (the function may read tags of those
 * ARNs only).
 */
import type { AppRunnerGateway, ServiceDetail, ServiceSummary } from './app-runner';
import { parseServiceArn, type SchedulerRequest } from '../contract/event';

/** A selected service as the run first saw it. */
export interface SelectedService {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** True when the tags came from the Tagging API, which is eventually consistent; false when from ListTagsForResource. */
  readonly tagsFromTaggingApi: boolean;
  /** DescribeService's answer, when selection already read it. */
  readonly detail?: ServiceDetail;
}

/** A listed ARN that could not be read. */
export interface UnreadableService {
  /** The ARN as the event listed it. */
  readonly arn: string;
  /** The name the ARN gives. */
  readonly name: string;
  /** The region the ARN names. */
  readonly region: string;
  /** What the read threw. */
  readonly error: unknown;
}

/** A region whose services could not be listed for tag selection. */
export interface UnlistedRegion {
  /** The region tag selection looked in. */
  readonly region: string;
  /** What the listing threw. */
  readonly error: unknown;
}

/** What selection found. */
export interface Selection {
  /** The services the run acts on. */
  readonly services: SelectedService[];
  /** Listed ARNs that could not be read: each is a failed service in the report. */
  readonly unreadable: UnreadableService[];
  /** Regions whose services could not be listed: each is a selection failure in the report. */
  readonly unlistedRegions: UnlistedRegion[];
  /** The regions whose ListServices walk reached the last page, and how many services each holds. */
  readonly walkedRegions: Map<string, number>;
}

/** Reads the selected services' status and tags. Never throws: what it cannot read is in the selection, with its error. */
export async function selectServices(request: SchedulerRequest, gateway: AppRunnerGateway): Promise<Selection> {
  const selection: Selection = { services: [], unreadable: [], unlistedRegions: [], walkedRegions: new Map() };
  const listings = new Map<string, ServiceSummary[]>();
  const hasTags = Object.keys(request.tags).length > 0;
  const bulkRegions = hasTags ? request.regions : [];

  await Promise.all(
    bulkRegions.map(async (region) => {
      try {
        const [{ services: summaries }, tagged] = await Promise.all([gateway.listServices(region), gateway.findTaggedServices(region, request.tags)]);
        selection.walkedRegions.set(region, summaries.length);
        listings.set(region, summaries);
        for (const summary of summaries) {
          const tags = tagged.get(summary.arn);
          if (tags) selection.services.push({ ...summaryFields(summary), region, tags, tagsFromTaggingApi: true });
        }
      } catch (error) {
        selection.unlistedRegions.push({ region, error });
      }
    }),
  );

  const found = new Set(selection.services.map((s) => s.arn));
  const listedByRegion = new Map<string, string[]>();
  for (const arn of request.services) {
    if (found.has(arn)) continue;
    const region = parseServiceArn(arn)!.region;
    const arns = listedByRegion.get(region) ?? [];
    listedByRegion.set(region, arns);
    arns.push(arn);
  }
  await Promise.all([...listedByRegion].map(([region, arns]) => selectListed(region, arns, listings.get(region), gateway, selection)));
  return selection;
}

function summaryFields(summary: ServiceSummary): Pick<SelectedService, 'arn' | 'name' | 'status'> {
  return { arn: summary.arn, name: summary.name, status: summary.status };
}

/**
 * Listed ARNs of one region. Statuses come from the region's listing when tag selection already
 * made one, else from a ListServices walk of at most as many pages as there are ARNs. A region that
 * fits in those pages costs no more than one DescribeService per ARN; a larger one is cheaper to
 * read service by service, so the walk stops there, the ARNs it did not show are described (at
 * worst twice the calls of describing them all), and the run's waits describe them too. If the function may not list (an older policy, a service control policy), every
 * ARN is described. Tags come from ListTagsForResource, one call per ARN, read alongside.
 */
async function selectListed(region: string, arns: string[], listing: ServiceSummary[] | undefined, gateway: AppRunnerGateway, selection: Selection): Promise<void> {
  // The walk is asked for first, so that it takes a slot before a thousand tag reads queue: its
  // pages come one after another, and the tag reads fill the other slots meanwhile.
  const scan = listing ? undefined : gateway.listServices(region, { maxPages: arns.length });
  // Settled results, so that a failed read waits without being an unhandled rejection.
  const tagReads = new Map(arns.map((arn) => [arn, gateway.listTags(arn).then((tags) => ({ tags }), (error: unknown) => ({ error }))]));
  let summaries: ServiceSummary[] = listing ?? [];
  if (scan) {
    try {
      const { services, complete } = await scan;
      if (complete) selection.walkedRegions.set(region, services.length);
      summaries = services;
    } catch {
      // Not allowed to list, or the walk failed: every ARN is described below.
    }
  }
  const byArn = new Map(summaries.map((summary) => [summary.arn, summary]));
  await Promise.all(
    arns.map(async (arn) => {
      try {
        const summary = byArn.get(arn);
        const detail = summary ? undefined : await gateway.describeService(arn);
        const read = await tagReads.get(arn)!;
        if ('error' in read) throw read.error;
        selection.services.push({ ...summaryFields(summary ?? detail!), region, tags: read.tags, tagsFromTaggingApi: false, detail });
      } catch (error) {
        selection.unreadable.push({ arn, name: parseServiceArn(arn)!.serviceName, region, error });
      }
    }),
  );
}

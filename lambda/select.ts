/**
 * Finds the services a run acts on, with their status and tags, in as few reads as the permissions
 * allow: with tag selection, one ListServices walk and one GetResources walk per region (the function
 * may read every service there); for listed ARNs outside that, DescribeService and
 * ListTagsForResource on each ARN (the function may touch only those ARNs).
 */
import { errorMessage, ServiceNotFoundError, type AppRunnerGateway, type ServiceDetail } from './app-runner';
import { parseServiceArn, type SchedulerRequest } from './event';
import type { SelectionFailure, ServiceOutcome } from './report';
import type { WatchedService } from './status-watcher';

/** A selected service as the run first saw it. */
export interface SelectedService extends WatchedService {
  readonly name: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
  /** DescribeService's answer, when selection already read it. */
  readonly detail?: ServiceDetail;
}

/** What selection found. */
export interface Selection {
  readonly services: SelectedService[];
  /** Listed ARNs that could not be read: each is a failed service in the report. */
  readonly unreadable: ServiceOutcome[];
  /** Regions whose services could not be listed. */
  readonly failures: SelectionFailure[];
  /** Services per region listed in bulk. */
  readonly regionSizes: Map<string, number>;
}

/** Reads the selected services' status and tags. Never throws: what it cannot read, it reports. */
export async function selectServices(request: SchedulerRequest, gateway: AppRunnerGateway): Promise<Selection> {
  const selection: Selection = { services: [], unreadable: [], failures: [], regionSizes: new Map() };
  const hasTags = Object.keys(request.tags).length > 0;
  const bulkRegions = hasTags ? request.regions : [];

  await Promise.all(
    bulkRegions.map(async (region) => {
      try {
        const [summaries, tagged] = await Promise.all([gateway.listServices(region), gateway.findTaggedServices(region, request.tags)]);
        selection.regionSizes.set(region, summaries.length);
        for (const summary of summaries) {
          const tags = tagged.get(summary.arn);
          if (tags) selection.services.push({ arn: summary.arn, name: summary.name, status: summary.status, region, tags, bulk: true });
        }
      } catch (error) {
        selection.failures.push({ target: region, reason: `could not list the services selected by tags: ${errorMessage(error)}` });
      }
    }),
  );

  const found = new Set(selection.services.map((s) => s.arn));
  await Promise.all(
    request.services
      .filter((arn) => !found.has(arn))
      .map(async (arn) => {
        const parts = parseServiceArn(arn)!;
        try {
          const [detail, tags] = await Promise.all([gateway.describeService(arn), gateway.listTags(arn)]);
          selection.services.push({ arn, name: detail.name, status: detail.status, region: parts.region, tags, bulk: false, detail });
        } catch (error) {
          const reason = error instanceof ServiceNotFoundError ? 'no such service (it is listed in the event but App Runner does not know it)' : `could not read the service: ${errorMessage(error)}`;
          selection.unreadable.push({
            serviceArn: arn,
            serviceName: parts.serviceName,
            region: parts.region,
            actions: [],
            operationIds: [],
            outcome: 'failed',
            reason,
          });
        }
      }),
  );
  return selection;
}

// Builds the handler asset before any test runs, so `npm test` on a clean clone finds
// assets/handler: the construct's Code.fromAsset fails on a missing directory.
import { bundleHandler } from '../scripts/bundle-handler.mjs';

export default async function globalSetup() {
  await bundleHandler();
}

import { Release } from '@multivac/plugin-multivac-common';
import { ReleaseDependent } from '@multivac/plugin-multivac-node';
import { CatalogGraph } from './conflicts/CatalogGraph';
import { CatalogGraphSource } from './conflicts/CatalogGraphCache';
import { describePath } from './conflicts/sentences';

/**
 * What depends on the released entity (through dependsOn and APIs, to
 * `depth` links), with its owner and why, as release subscribers get it.
 */
export async function releaseDependents(
  graphSource: CatalogGraphSource,
  release: Pick<Release, 'entityRef'>,
  depth: number,
): Promise<ReleaseDependent[]> {
  const graph = await graphSource.get();
  const paths = graph.dependentsOf(CatalogGraph.key(release.entityRef), depth);
  return [...paths].map(([entityRef, path]) => ({
    entityRef,
    ownerRef: graph.ownerOf(entityRef),
    reason: describePath(path),
  }));
}

import { BackendPluginRegistrationPoints } from '@backstage/backend-plugin-api';
import {
  InterruptionLedger,
  InterruptionSource,
  multivacInterruptionsExtensionPoint,
} from '@multivac/plugin-multivac-node';
import { ContributionRegistry } from '../extensions/ContributionRegistry';

/**
 * The modules that report notifications to the interruptions ledger
 * (`multivacInterruptionsExtensionPoint`), each connected once to the
 * ledger during start-up.
 */
export class InterruptionSources {
  private readonly sources = new ContributionRegistry<InterruptionSource>(
    'interruption source',
  );

  registerExtensionPoint(env: BackendPluginRegistrationPoints): void {
    env.registerExtensionPoint(multivacInterruptionsExtensionPoint, {
      addSource: source => this.sources.add(source),
    });
  }

  async connect(ledger: InterruptionLedger): Promise<void> {
    for (const source of this.sources.list()) {
      await source.connectLedger(ledger);
    }
  }
}

// The extension's webhook receiver: the core's inbound service on the session's engine, running
// while adoSync.webhook.enabled is on, the user is connected and the credentials are complete.
// Events only mark work items dirty; the engine's coordinator (which also runs the background
// poll) syncs them, so webhook runs and polls never overlap. Changes of settings, secrets,
// connection or store reconcile it, one at a time; stop() is awaited on deactivate. Its state is a line of the status bar tooltip.
import * as vscode from 'vscode';
import type { RunSummary, SyncEngine } from '../../core/sync/engineApi';
import { startInboundService, type InboundService, type InboundServiceOptions, type InboundServiceState } from '../../core/webhook/inboundService';
import type { WebhookSettings } from '../../core/webhook/settings';
import { Commands, ContextKeys, SETTINGS_SECTION } from '../../shared/ids';
import type { Connection } from '../connection';
import { readSettings } from '../settings';
import type { StatusBar } from '../statusBar';
import type { SyncSession } from '../syncSession';
import { needsRemoteConfirmation, sameReceiver, toWebhookSettings, WebhookSettingsError } from './receiverConfig';
import { readWebhookConfig, readWebhookSecrets, WEBHOOK_SECRET_KEYS, WEBHOOK_SECTION } from './webhookSettings';
import { receiverTooltip } from './webhookText';
import { errorMessage } from '../../core/errorMessage';

/** The receiver's counters change with every request; the tooltip follows at this pace. */
const TOOLTIP_REFRESH_MS = 3_000;

export interface WebhookHostDeps {
  readonly secrets: vscode.SecretStorage;
  readonly connection: Connection;
  readonly session: SyncSession;
  readonly statusBar: StatusBar;
  readonly log: vscode.LogOutputChannel;
}

interface Running {
  service: InboundService;
  settings: WebhookSettings;
  refresh: NodeJS.Timeout;
}

export class WebhookHost implements vscode.Disposable {
  private running: Running | undefined;
  /** Why the receiver is not running although enabled (for the tooltip); undefined otherwise. */
  private problem: string | undefined;
  private transition: Promise<void> = Promise.resolve();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly deps: WebhookHostDeps) {
    this.subscriptions = [
      deps.connection.onDidChange(() => void this.reconcile()),
      // The running service's store closed (another dbPath) or turned read-only: its engine is gone.
      // Only while running: a start that finds no folder must not trigger another start.
      deps.session.onDidChange((s) => this.running && (s.kind !== 'open' || s.readOnly) && void this.reconcile({ restart: true })),
      deps.secrets.onDidChange((e) => WEBHOOK_SECRET_KEYS.includes(e.key) && void this.reconcile()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(WEBHOOK_SECTION)) void this.reconcile();
        else if (e.affectsConfiguration(`${SETTINGS_SECTION}.pollIntervalSeconds`)) this.render();
      }),
    ];
    void this.reconcile();
  }

  /** The service's state while it runs. */
  state(): InboundServiceState | undefined { return this.running?.service.state(); }

  /** Why an enabled receiver is not running, if it is not. */
  get notRunningBecause(): string | undefined { return this.problem; }

  /**
   * Brings the receiver in line with settings, secrets and connection. `interactive` (a command)
   * shows what is missing as a message; `restart` replaces a running receiver even if unchanged.
   */
  reconcile(options: { interactive?: boolean; restart?: boolean } = {}): Promise<void> {
    const next = this.transition.then(() => this.apply(options));
    this.transition = next.catch((e: unknown) => this.deps.log.error(`Webhook receiver: ${errorMessage(e)}`));
    return next;
  }

  /** Stops the receiver and waits for its runs in flight (sign-out, deactivate). */
  stop(): Promise<void> {
    const next = this.transition.then(() => this.stopService());
    this.transition = next.catch(() => undefined);
    return next;
  }

  private async apply({ interactive = false, restart = false }: { interactive?: boolean; restart?: boolean }): Promise<void> {
    const config = readWebhookConfig();
    this.problem = undefined;
    if (!config.enabled || !this.deps.connection.current) return this.stopService();
    let settings: WebhookSettings;
    try {
      settings = toWebhookSettings(config, await readWebhookSecrets(this.deps.secrets));
    } catch (e) {
      if (!(e instanceof WebhookSettingsError)) throw e;
      await this.stopService();
      return this.notStarted(e.message, interactive, Commands.setWebhookCredentials);
    }
    if (this.running && !restart && sameReceiver(this.running.settings, settings)) {
      this.running.settings = settings;
      return this.render();
    }
    await this.stopService();
    if (needsRemoteConfirmation(settings) && !(await confirmRemote(settings.host))) {
      return this.notStarted(`listening on ${settings.host} was not confirmed (set adoSync.webhook.host to 127.0.0.1 for this machine only)`, interactive);
    }
    await this.startService(settings, interactive);
  }

  private async startService(settings: WebhookSettings, interactive: boolean): Promise<void> {
    const engine = await this.deps.session.engine();
    if (!engine) return this.notStarted('no sync engine (open a folder; the sync database must not be in use by another process)', interactive);
    let service: InboundService;
    try {
      // Polling stays with the background sync (same coordinator); the receiver only marks items dirty.
      service = await startInboundService({
        engine: sessionEngine(this.deps.session, engine), webhook: settings,
        log: (level, message) => this.deps.log[level](`Webhook receiver: ${message}`),
        onRunFinished: (summary) => this.runFinished(summary),
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        return this.notStarted(`cannot listen on ${settings.host}:${settings.port} (${code}); choose another adoSync.webhook.port`, interactive);
      }
      throw e;
    }
    this.running = { service, settings, refresh: setInterval(() => this.render(), TOOLTIP_REFRESH_MS) };
    this.deps.log.info(`Webhook receiver listening on ${service.receiver?.url ?? '?'} (${settings.authModes.join(', ')} auth)`);
    await vscode.commands.executeCommand('setContext', ContextKeys.webhookListening, true);
    this.render();
  }

  private async stopService(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) {
      clearInterval(running.refresh);
      await running.service.stop();
      this.deps.log.info('Webhook receiver stopped');
      await vscode.commands.executeCommand('setContext', ContextKeys.webhookListening, false);
    }
    this.render();
  }

  private async notStarted(reason: string, interactive: boolean, fix?: string): Promise<void> {
    this.problem = reason;
    this.deps.log.warn(`Webhook receiver not started: ${reason}`);
    this.render();
    if (!interactive) return;
    const action = fix ? vscode.l10n.t('Set Webhook Credentials...') : undefined;
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Webhook receiver not started: {0}. Attachments keep syncing by polling.', reason), ...(action ? [action] : []));
    if (pick && fix) await vscode.commands.executeCommand(fix);
  }

  private runFinished(summary: RunSummary): void {
    const failed = summary.items.filter((item) => item.status === 'failed').length;
    if (failed > 0 || summary.error) this.deps.log.warn(`Sync (${summary.trigger}): ${failed} item(s) failed${summary.error ? `; ${summary.error.message}` : ''}`);
    this.render();
  }

  private render(): void {
    const state = this.running?.service.state();
    const line = state ? receiverTooltip(state, readSettings().pollIntervalSeconds) : this.problem && vscode.l10n.t('not started: {0}', this.problem);
    this.deps.statusBar.model.setWebhook(line);
    this.deps.statusBar.render();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    // deactivate() awaits stop(); this only makes sure nothing keeps listening.
    void this.stop();
  }
}

/**
 * The session's engine for the service: every sync asks the session for its current engine (it is
 * replaced when engine settings change), so the receiver never runs on a closed one.
 */
function sessionEngine(session: SyncSession, first: SyncEngine): InboundServiceOptions['engine'] {
  let latest = first;
  const current = async (): Promise<SyncEngine> => {
    const engine = await session.engine();
    if (!engine) throw new WebhookHostError(vscode.l10n.t('Not connected, or the sync database is in use by another process.'));
    latest = engine;
    return engine;
  };
  return {
    markDirty: (ids, reason) => void current().then((engine) => engine.markDirty(ids, reason), () => undefined),
    trackedIds: () => latest.trackedIds(),
    state: () => latest.state(),
    get events() { return latest.events; },
    start: (options) => latest.start(options),
    setPollInterval: (ms) => latest.setPollInterval(ms),
  };
}

export class WebhookHostError extends Error {
  override readonly name = 'WebhookHostError';
}

async function confirmRemote(host: string): Promise<boolean> {
  const allow = vscode.l10n.t('Listen on {0}', host);
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t('Start the webhook receiver on {0}?', host),
    { modal: true, detail: vscode.l10n.t('Other machines can reach the receiver on {0}; anyone who knows its credentials can trigger syncs. Prefer 127.0.0.1 behind an https reverse proxy or tunnel. You are asked each time it starts on this address.', host) },
    allow);
  return pick === allow;
}


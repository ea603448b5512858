import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  Middleware,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { Located, locateServer, ServerNotFoundError } from './locate';
import { serverSettings } from './settings';
import { TARGET_FILE_PATTERNS } from './targetpatterns';

const DOCS_URL = 'https://github.com/msls-dev/msls/blob/main/docs/editors.md#vs-code';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let located: Located | undefined;

/** What the extension hands to other extensions (and to the end-to-end test). */
export interface MslsApi {
  /** the server binary in use and where it was found, or undefined when none was found */
  server(): Located | undefined;
  /** resolves once the client is running (or rejects when it could not start) */
  ready(): Promise<void>;
  /** why the server could not be started, as told to the user; undefined when it runs */
  lastError(): string | undefined;
}

let lastError: string | undefined;

let readyPromise: Promise<void> = Promise.resolve();

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('msls');
}

/** Whether a document is a compose or bake file, not a Dockerfile. */
function isTargetFile(doc: vscode.TextDocument): boolean {
  return doc.languageId !== 'dockerfile' && vscode.languages.match(TARGET_FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })), doc) > 0;
}

/**
 * In compose and bake files msls offers completion of `target`, go-to-definition and diagnostics
 * only. The client registers every provider for every selected document, so the others are
 * answered here without asking the server: formatting, symbols, folding, highlights, semantic
 * tokens, hovers and code actions stay with the YAML/HCL extensions.
 */
function onlyTargetFeatures(): Middleware {
  return {
    provideDocumentFormattingEdits: (doc, options, token, next) => (isTargetFile(doc) ? [] : next(doc, options, token)),
    provideDocumentRangeFormattingEdits: (doc, range, options, token, next) => (isTargetFile(doc) ? [] : next(doc, range, options, token)),
    provideDocumentSymbols: (doc, token, next) => (isTargetFile(doc) ? [] : next(doc, token)),
    provideFoldingRanges: (doc, context, token, next) => (isTargetFile(doc) ? [] : next(doc, context, token)),
    provideDocumentHighlights: (doc, position, token, next) => (isTargetFile(doc) ? [] : next(doc, position, token)),
    provideHover: (doc, position, token, next) => (isTargetFile(doc) ? undefined : next(doc, position, token)),
    provideCodeActions: (doc, range, context, token, next) => (isTargetFile(doc) ? [] : next(doc, range, context, token)),
    provideDocumentSemanticTokens: (doc, token, next) => (isTargetFile(doc) ? undefined : next(doc, token)),
  };
}

function clientOptions(): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: 'file', language: 'dockerfile' },
      { scheme: 'untitled', language: 'dockerfile' },
      // compose and bake files by name, whatever their language: msls completes and checks their
      // build targets (the server takes no other YAML, HCL or JSON file)
      ...TARGET_FILE_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: serverSettings(config()),
    middleware: {
      ...onlyTargetFeatures(),
      workspace: {
        // Answer for the "msls" section ourselves so the server sees the same cleaned shape as in
        // initializationOptions (and never client-only keys such as msls.server.path).
        configuration: async (params, token, next) => {
          const fallback = await next(params, token);
          if (!Array.isArray(fallback)) return fallback;
          return params.items.map((item, i) => {
            if (item.section === 'msls') return serverSettings(config());
            if (item.section?.startsWith('msls.')) {
              const key = item.section.slice('msls.'.length);
              const whole = serverSettings(config()) as Record<string, unknown>;
              return key in whole ? whole[key] : fallback[i];
            }
            return fallback[i];
          });
        },
      },
    },
  };
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  try {
    located = locateServer({
      configured: config().get<string>('server.path'),
      extensionPath: context.extensionPath,
      platform: process.platform,
      arch: process.arch,
      env: process.env,
      workspaceFolder: folder,
      homeDir: os.homedir(),
    });
  } catch (e) {
    located = undefined;
    lastError = String(e instanceof Error ? e.message : e);
    if (e instanceof ServerNotFoundError) {
      output.error(e.message);
      void notifyNotFound(e);
      throw e;
    }
    throw e;
  }
  output.info(`starting ${located.command} (${located.source})`);
  const args = config().get<string[]>('server.args') ?? [];
  // the level in force at start-up; later changes travel in the settings (didChangeConfiguration)
  const options = { env: { ...process.env, MSLS_LOG_LEVEL: config().get<string>('logLevel') ?? 'info' } };
  const serverOptions: ServerOptions = {
    run: { command: located.command, args, transport: TransportKind.stdio, options },
    debug: { command: located.command, args, transport: TransportKind.stdio, options },
  };
  client = new LanguageClient('msls', 'msls', serverOptions, clientOptions());
  try {
    await client.start();
  } catch (e) {
    lastError = `msls (${located.command}) did not start: ${e instanceof Error ? e.message : String(e)}`;
    output.error(lastError);
    throw e;
  }
  lastError = undefined;
}

async function notifyNotFound(e: ServerNotFoundError): Promise<void> {
  const setPath = 'Set msls.server.path';
  const install = 'How to install';
  const pick = await vscode.window.showErrorMessage(
    `${e.message} Install it with \`go install github.com/msls-dev/msls/cmd/msls@latest\` or point msls.server.path at it.`,
    setPath,
    install,
  );
  if (pick === setPath) await vscode.commands.executeCommand('workbench.action.openSettings', 'msls.server.path');
  if (pick === install) await vscode.env.openExternal(vscode.Uri.parse(DOCS_URL));
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c && c.state !== State.Stopped) {
    try {
      await c.stop();
    } catch (e) {
      output.warn(`stopping the server failed: ${String(e)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  // replaced synchronously so that ready() called right after a settings change waits for this restart
  readyPromise = stopClient().then(() => startClient(context));
  readyPromise.catch(() => undefined);
  await readyPromise.catch(() => undefined);
}

export function activate(context: vscode.ExtensionContext): MslsApi {
  output = vscode.window.createOutputChannel('msls', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('msls.restart', () => restart(context)),
    vscode.commands.registerCommand('msls.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((ev) => {
      if (!ev.affectsConfiguration('msls')) return;
      // a different binary, arguments or log level need a new process; rule settings are applied live
      if (ev.affectsConfiguration('msls.server') || ev.affectsConfiguration('msls.logLevel')) {
        void restart(context);
        return;
      }
      if (client && client.state === State.Running) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { msls: serverSettings(config()) },
        });
      }
    }),
    { dispose: () => void stopClient() },
  );
  readyPromise = startClient(context);
  readyPromise.catch(() => undefined);
  return {
    server: () => located,
    ready: () => readyPromise,
    lastError: () => lastError,
  };
}

export function deactivate(): Thenable<void> | undefined {
  return stopClient();
}

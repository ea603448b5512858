// Finding the server binary is kept free of the vscode API so that it can be unit-tested with plain Node.
import * as fs from 'fs';
import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface Located {
  command: string;
  source: ServerSource;
}

export interface LocateInput {
  /** msls.server.path; may be relative to the first workspace folder or start with ~ */
  configured: string | undefined;
  extensionPath: string;
  platform: NodeJS.Platform;
  arch: string;
  env: NodeJS.ProcessEnv;
  workspaceFolder?: string;
  homeDir?: string;
}

export function exeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'msls.exe' : 'msls';
}

/** bin/<platform>-<arch>/msls, the layout scripts/package.mjs builds with GOOS/GOARCH */
export function bundledPath(extensionPath: string, platform: NodeJS.Platform, arch: string): string {
  return path.join(extensionPath, 'bin', `${platform}-${arch}`, exeName(platform));
}

function isExecutableFile(p: string, platform: NodeJS.Platform): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (platform === 'win32') return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function searchPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const raw = env.PATH ?? env.Path ?? '';
  const sep = platform === 'win32' ? ';' : ':';
  for (const dir of raw.split(sep)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate, platform)) return candidate;
  }
  return undefined;
}

export class ServerNotFoundError extends Error {
  constructor(message: string, readonly configured: boolean) {
    super(message);
  }
}

/**
 * Order: the setting (an explicit choice must never silently fall back), then the binary bundled for
 * this platform, then PATH. Throws ServerNotFoundError with a message that says what to do.
 */
export function locateServer(input: LocateInput): Located {
  const configured = (input.configured ?? '').trim();
  if (configured) {
    let p = configured;
    if (p === '~' || p.startsWith('~/')) p = path.join(input.homeDir ?? input.env.HOME ?? '', p.slice(1));
    if (!path.isAbsolute(p) && (p.includes('/') || p.includes('\\')) && input.workspaceFolder) {
      p = path.join(input.workspaceFolder, p);
    }
    if (path.isAbsolute(p)) {
      if (isExecutableFile(p, input.platform)) return { command: p, source: 'setting' };
      throw new ServerNotFoundError(`msls.server.path is set to "${configured}", but ${p} is not an executable file.`, true);
    }
    const found = searchPath(p, input.env, input.platform);
    if (found) return { command: found, source: 'setting' };
    throw new ServerNotFoundError(`msls.server.path is set to "${configured}", which is not on PATH.`, true);
  }
  const bundled = bundledPath(input.extensionPath, input.platform, input.arch);
  if (isExecutableFile(bundled, input.platform)) return { command: bundled, source: 'bundled' };
  const onPath = searchPath(exeName(input.platform), input.env, input.platform);
  if (onPath) return { command: onPath, source: 'path' };
  throw new ServerNotFoundError(
    `The msls language server was not found: this extension has no binary for ${input.platform}-${input.arch} ` +
      'and there is no msls on PATH.',
    false,
  );
}

// The object the server reads from initializationOptions, workspace/configuration (section "msls") and
// didChangeConfiguration; the same as .msls.yaml (internal/config/config.go, docs/configuration.md):
//   { rules: { Code: "error"|"off"|true|{enabled, severity} }, buildkit: bool, inlineSuppression: bool }
// Client-only keys (server.*, logLevel, trace.*) are not sent: the server rejects unknown keys.
export type Severity = 'error' | 'warning' | 'info' | 'information' | 'hint';
export type RuleSetting = boolean | Severity | 'on' | 'off' | { enabled?: boolean; severity?: Severity };

export interface MslsSettings {
  rules?: Record<string, RuleSetting>;
  buildkit?: boolean;
  inlineSuppression?: boolean;
}

/** Minimal view of vscode.WorkspaceConfiguration so this stays testable outside VS Code. */
export interface ConfigLike {
  get<T>(section: string): T | undefined;
}

const severities = new Set(['error', 'warning', 'warn', 'info', 'information', 'hint']);
const switches = new Set(['on', 'off', 'true', 'false', 'enable', 'enabled', 'disable', 'disabled', 'ignore']);

function cleanRule(v: unknown): RuleSetting | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    return severities.has(s) || switches.has(s) ? (s as RuleSetting) : undefined;
  }
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const r: { enabled?: boolean; severity?: Severity } = {};
    if (typeof o.enabled === 'boolean') r.enabled = o.enabled;
    if (typeof o.severity === 'string' && severities.has(o.severity.toLowerCase())) r.severity = o.severity.toLowerCase() as Severity;
    return Object.keys(r).length ? r : undefined;
  }
  return undefined;
}

/**
 * Only what the server understands. Invalid values are dropped here (VS Code's settings UI already
 * flags them), so one typo in a severity does not make the server discard the whole configuration.
 * Rule codes are passed through as written: the server knows the registry and suggests the right name.
 */
export function serverSettings(cfg: ConfigLike): MslsSettings {
  const out: MslsSettings = {};
  const rules = cfg.get<Record<string, unknown>>('rules');
  if (rules && typeof rules === 'object' && !Array.isArray(rules)) {
    const clean: Record<string, RuleSetting> = {};
    for (const [code, value] of Object.entries(rules)) {
      const r = cleanRule(value);
      if (r !== undefined) clean[code] = r;
    }
    if (Object.keys(clean).length) out.rules = clean;
  }
  for (const key of ['buildkit', 'inlineSuppression'] as const) {
    const v = cfg.get<unknown>(key);
    if (typeof v === 'boolean') out[key] = v;
  }
  return out;
}

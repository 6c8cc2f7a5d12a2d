// Wire formats of the Proxy's API (llama-swap compatible), as far as the UI reads them.

export type ModelState = 'stopped' | 'starting' | 'ready' | 'stopping' | 'shutdown' | 'unknown';

/** One entry of the `modelStatus` event. */
export interface ModelStatus {
  id: string;
  name?: string;
  description?: string;
  state?: ModelState;
  unlisted?: boolean;
  peerID?: string;
  aliases?: string[];
  capabilities?: Record<string, boolean>;
  context_length?: number;
  /** Configured TTL in seconds (0 or absent: never unloaded for idleness). */
  ttl?: number;
  /** Seconds left before the TTL unloads the model; absent while it is busy, loading or has no TTL. */
  ttlRemaining?: number;
}

/** One record of `GET /v1/models`. */
export interface ModelRecord {
  id: string;
  name?: string;
  description?: string;
  status?: { value: string };
  capabilities?: Record<string, boolean>;
  architecture?: { input_modalities?: string[]; output_modalities?: string[]; modality?: string };
  supported_parameters?: string[];
  context_length?: number;
  meta?: { llamaswap?: Record<string, unknown> & { type?: string; aliases?: string[]; modelID?: string } };
}

export interface LogData {
  source: 'proxy' | 'upstream';
  data: string;
}

export interface InflightRequest {
  id: string;
  timestamp: string;
  model: string;
  req_path: string;
  method?: string;
  req_headers?: Record<string, string>;
  remote_ip?: string;
  resp_headers?: Record<string, string>;
  resp_bytes?: number;
  elapsed_ms?: number;
  metadata?: Record<string, string>;
}

export interface InflightEvent {
  operation: 'snapshot' | 'upsert' | 'remove';
  requests?: InflightRequest[];
  request?: InflightRequest;
  id?: string;
}

export interface ActivityTokens {
  cache_tokens: number;
  draft_tokens: number;
  draft_acc_tokens: number;
  input_tokens: number;
  output_tokens: number;
  prompt_per_second: number;
  tokens_per_second: number;
}

export interface ActivityRow {
  id: number;
  timestamp: string;
  model: string;
  req_path: string;
  resp_content_type: string;
  resp_status_code: number;
  tokens: ActivityTokens;
  duration_ms: number;
  /** Time to the first response byte; absent when the Proxy did not measure it. */
  ttfb_ms?: number;
  has_capture: boolean;
  error_msg?: string;
  metadata?: Record<string, string>;
}

export interface ActivityPage {
  data: ActivityRow[];
  page: number;
  limit: number;
  total: number;
  total_pages: number;
}

export interface Histogram {
  bins: number[];
  min: number;
  max: number;
  binSize: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ActivityStats {
  total_requests: number;
  total_input_tokens: number;
  total_output_tokens: number;
  total_cache_tokens: number;
  prompt_histogram: Histogram | null;
  gen_histogram: Histogram | null;
}

export interface Capture {
  id: number;
  req_path: string;
  req_headers: Record<string, string>;
  req_body: string | null;
  resp_headers: Record<string, string>;
  resp_body: string | null;
}

export interface Profiles {
  active: string | null;
  profiles: { id: string; description?: string; pins?: Record<string, string> }[];
}

export interface Version {
  version: string;
  commit: string;
  build_date: string;
}

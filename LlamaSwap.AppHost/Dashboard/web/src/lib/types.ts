// Shapes of the dashboard's JSON API (LlamaSwap.AppHost/Dashboard/Api/DashboardApiModels.cs).

export interface Resource {
  name: string;
  type: 'Project' | 'Upstream' | string;
  parent: string | null;
  state: string;
  stateStyle: 'success' | 'error' | 'info' | 'warning';
  healthy: boolean;
  pid: number | null;
  exitCode: number | null;
  restarts: number;
  startedAt: string | null;
  stoppedAt: string | null;
  urls: string[];
  command: string | null;
  environment: Record<string, string>;
  commands: string[];
  properties: Record<string, string>;
}

export interface ConsoleLine {
  lineNumber: number;
  text: string;
  isStdErr: boolean;
  timestamp: string;
}

export interface Attribute {
  key: string;
  value: string;
}

export interface LogEntry {
  id: number;
  service: string;
  instanceId: string;
  timeMs: number;
  level: string;
  severityNumber: number;
  message: string;
  scope: string;
  eventName: string;
  traceId: string;
  spanId: string;
  attributes: Attribute[];
}

export interface TraceSummary {
  traceId: string;
  rootName: string;
  rootService: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface SpanEvent {
  timeMs: number;
  name: string;
  attributes: Attribute[];
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string;
  service: string;
  instanceId: string;
  scope: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage: string;
  attributes: Attribute[];
  events: SpanEvent[];
}

export interface Trace {
  traceId: string;
  startMs: number;
  durationMs: number;
  spans: Span[];
}

export interface Instrument {
  service: string;
  instanceId: string;
  scope: string;
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'summary' | string;
  temporality: string;
  isMonotonic: boolean;
  seriesCount: number;
}

export interface MetricPoint {
  timeMs: number;
  startMs: number;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucketCounts: number[];
  explicitBounds: number[];
}

export interface MetricSeries {
  attributes: Attribute[];
  points: MetricPoint[];
}

export interface InstrumentData {
  instrument: Instrument;
  series: MetricSeries[];
}

export interface TelemetryResource {
  name: string;
  instanceId: string;
  key: string;
  attributes: Attribute[];
}

export interface TelemetryVersions {
  traces: number;
  logs: number;
  metrics: number;
  resources: number;
}

export interface DashboardInfo {
  application: string;
  proxyUrl: string | null;
  otlpEndpoint: string;
  frontendAuth: boolean;
  otlpAuth: boolean;
}

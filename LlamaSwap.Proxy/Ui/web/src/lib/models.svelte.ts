import { getJson } from './api';
import { events } from './events.svelte';
import type { ModelRecord, ModelState, ModelStatus } from './types';

/** A model as the pages show it: live state from the event stream joined with its /v1/models record. */
export interface ModelView {
  id: string;
  name: string;
  description: string;
  state: ModelState;
  aliases: string[];
  unlisted: boolean;
  peer?: string;
  /** A server that runs elsewhere (an endpoint model): nothing to load or unload. */
  endpoint: boolean;
  /** Capability tags that are true, e.g. vision, function_calling. */
  capabilities: string[];
  inputs: string[];
  outputs: string[];
  contextLength?: number;
  metadata: Record<string, unknown>;
  ttl?: number;
  ttlRemaining?: number;
  pinned: boolean;
}

const pinsKey = 'llamaswap.pinnedModels';

class ModelCatalog {
  /** id → /v1/models record, refreshed when the set of models changes. */
  records = $state.raw<Record<string, ModelRecord>>({});
  pins = $state<string[]>(JSON.parse(localStorage.getItem(pinsKey) ?? '[]'));
  private loadedFor = '';

  togglePin(id: string): void {
    this.pins = this.pins.includes(id) ? this.pins.filter((p) => p !== id) : [...this.pins, id];
    localStorage.setItem(pinsKey, JSON.stringify(this.pins));
  }

  /** Fetches /v1/models again when the ids in the event stream differ from the last fetch. */
  async refresh(statuses: ModelStatus[], force = false): Promise<void> {
    const key = statuses.map((s) => s.id).join('\n');
    if (!force && key === this.loadedFor) return;
    this.loadedFor = key;
    try {
      const list = await getJson<{ data: ModelRecord[] }>('/v1/models');
      this.records = Object.fromEntries(list.data.map((r) => [r.id, r]));
    } catch {
      this.loadedFor = '';
    }
  }

  get views(): ModelView[] {
    const views = events.models.map((s) => this.view(s));
    return views.sort((a, b) => Number(b.pinned) - Number(a.pinned) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Every /v1/models record a request can name (models, aliases, selectors, profile pins). */
  get requestable(): ModelRecord[] {
    return Object.values(this.records).sort((a, b) => a.id.localeCompare(b.id));
  }

  private view(status: ModelStatus): ModelView {
    const record = this.records[status.id];
    const meta = { ...(record?.meta?.llamaswap ?? {}) };
    const aliases = status.aliases ?? (meta.aliases as string[] | undefined) ?? [];
    delete meta.aliases;
    delete meta.type;
    const capabilities = { ...(record?.capabilities ?? {}), ...(status.capabilities ?? {}) };
    return {
      id: status.id,
      name: status.name || record?.name || status.id,
      description: status.description || record?.description || '',
      state: status.state ?? (record?.status?.value === 'loaded' ? 'ready' : 'stopped'),
      aliases,
      unlisted: status.unlisted ?? false,
      peer: status.peerID,
      endpoint: record?.meta?.llamaswap?.type === 'endpoint',
      capabilities: Object.entries(capabilities)
        .filter(([, on]) => on)
        .map(([name]) => name),
      inputs: record?.architecture?.input_modalities ?? [],
      outputs: record?.architecture?.output_modalities ?? [],
      contextLength: status.context_length ?? record?.context_length,
      metadata: meta,
      ttl: status.ttl || undefined,
      ttlRemaining: status.ttlRemaining,
      pinned: this.pins.includes(status.id),
    };
  }
}

export const catalog = new ModelCatalog();

/** Playground capabilities: which tab a model belongs to. */
export function supports(record: ModelRecord, feature: 'chat' | 'embeddings' | 'images' | 'transcription' | 'speech'): boolean {
  const caps = record.capabilities ?? {};
  const outputs = record.architecture?.output_modalities ?? [];
  const meta = record.meta?.llamaswap ?? {};
  switch (feature) {
    case 'images':
      return caps.image_generation === true;
    case 'transcription':
      return caps.audio_transcriptions === true;
    case 'speech':
      return caps.audio_speech === true;
    case 'embeddings':
      return meta.embeddings === true || meta.embedding === true || /embed/i.test(record.id);
    case 'chat':
      return (outputs.length === 0 || outputs.includes('text')) && !caps.reranker && !caps.audio_transcriptions;
  }
}

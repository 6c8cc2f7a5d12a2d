import { describeError, ensureOk } from './api';

export function modelPath(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

/**
 * Load and unload requests per model. A load is `GET /upstream/<id>/`, which starts the model (and
 * swaps others out as configured) and answers once it serves; it can be abandoned with cancel().
 */
class ModelActions {
  loading = $state<Record<string, boolean>>({});
  unloading = $state<Record<string, boolean>>({});
  errors = $state<Record<string, string>>({});
  private controllers = new Map<string, AbortController>();

  async load(id: string): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(id, controller);
    this.loading[id] = true;
    delete this.errors[id];
    try {
      await ensureOk(`/upstream/${modelPath(id)}/`, { signal: controller.signal });
    } catch (error) {
      if (!controller.signal.aborted) this.errors[id] = `Load failed: ${describeError(error)}`;
    } finally {
      this.controllers.delete(id);
      delete this.loading[id];
    }
  }

  cancel(id: string): void {
    this.controllers.get(id)?.abort();
  }

  async unload(id: string): Promise<void> {
    this.unloading[id] = true;
    delete this.errors[id];
    try {
      await ensureOk(`/api/models/unload/${modelPath(id)}`, { method: 'POST' });
    } catch (error) {
      this.errors[id] = `Unload failed: ${describeError(error)}`;
    } finally {
      delete this.unloading[id];
    }
  }

  async unloadAll(): Promise<void> {
    await ensureOk('/api/models/unload', { method: 'POST' });
  }
}

export const modelActions = new ModelActions();

// The API key is entered once and kept in this browser (localStorage); every request carries it as
// `Authorization: Bearer`. A 401 from any call asks for it again.
const storageKey = 'llamaswap.apiKey';

class AuthState {
  key = $state<string | null>(localStorage.getItem(storageKey));
  /** True after the Proxy answered 401: the key prompt is shown. */
  needed = $state(false);
  /** Bumped whenever the key changes, so streams reconnect with it. */
  generation = $state(0);

  set(key: string | null): void {
    const trimmed = key?.trim() || null;
    if (trimmed) localStorage.setItem(storageKey, trimmed);
    else localStorage.removeItem(storageKey);
    this.key = trimmed;
    this.needed = false;
    this.generation++;
  }

  headers(): Record<string, string> {
    return this.key ? { Authorization: `Bearer ${this.key}` } : {};
  }
}

export const auth = new AuthState();

// Path routes under /ui/ (the Proxy answers every extension-less /ui/ path with index.html, so a
// reload or a shared link lands on the same page).
export const base = '/ui';

function current(): string[] {
  let path = location.pathname;
  if (path.startsWith(base)) path = path.slice(base.length);
  return path.split('/').filter(Boolean).map(decodeURIComponent);
}

class Router {
  /** Decoded path segments after /ui/, e.g. ['models', 'qwen']. */
  segments = $state<string[]>(current());

  constructor() {
    window.addEventListener('popstate', () => (this.segments = current()));
  }

  navigate(path: string, replace = false): void {
    const url = `${base}/${path.replace(/^\//, '')}`;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.segments = current();
    if (!replace) window.scrollTo(0, 0);
  }
}

export const router = new Router();

export function href(path: string): string {
  return `${base}/${path.replace(/^\//, '')}`;
}

/** onclick for <a href={href(...)}>: navigates in place unless the user asked for a new tab. */
export function follow(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  router.navigate(anchor.pathname.slice(base.length));
}

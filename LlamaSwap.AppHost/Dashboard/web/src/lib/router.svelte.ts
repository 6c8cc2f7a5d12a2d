// Hash routing (#/traces/abc?x=1): the AppHost serves one index.html, and links survive a reload.

export interface Route {
  page: string;
  param: string | null;
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const [path, search] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page, ...rest] = path.split('/');
  return {
    page: page || 'resources',
    param: rest.length > 0 ? decodeURIComponent(rest.join('/')) : null,
    query: new URLSearchParams(search ?? ''),
  };
}

export const route = $state<{ current: Route }>({ current: parse(location.hash) });

window.addEventListener('hashchange', () => {
  route.current = parse(location.hash);
});

export function href(page: string, param?: string | null, query?: Record<string, string | null | undefined>): string {
  let text = `#/${page}`;
  if (param) text += `/${encodeURIComponent(param)}`;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) search.set(key, value);
  const encoded = search.toString();
  return encoded ? `${text}?${encoded}` : text;
}

/** Changes the query of the current page without adding a history entry for every keystroke. */
export function replaceQuery(query: Record<string, string | null | undefined>): void {
  const next = href(route.current.page, route.current.param, query);
  history.replaceState(null, '', next);
  route.current = parse(next);
}

// Light or dark: the user's choice (remembered) or else the system's.
const stored = localStorage.getItem('llamaswap-theme');
const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';

export const theme = $state({ current: (stored === 'dark' || stored === 'light' ? stored : system) as 'light' | 'dark' });

export function applyTheme(): void {
  document.documentElement.dataset.theme = theme.current;
}

export function toggleTheme(): void {
  theme.current = theme.current === 'dark' ? 'light' : 'dark';
  localStorage.setItem('llamaswap-theme', theme.current);
  applyTheme();
}

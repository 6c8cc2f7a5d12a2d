export type ThemeChoice = 'system' | 'light' | 'dark';
const storageKey = 'llamaswap.theme';

const query = matchMedia('(prefers-color-scheme: dark)');

class Theme {
  choice = $state<ThemeChoice>((localStorage.getItem(storageKey) as ThemeChoice | null) ?? 'system');
  private systemDark = $state(query.matches);

  constructor() {
    query.addEventListener('change', (e) => (this.systemDark = e.matches));
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    if (choice === 'system') {
      localStorage.removeItem(storageKey);
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem(storageKey, choice);
      document.documentElement.dataset.theme = choice;
    }
  }

  /** The theme actually shown. */
  get effective(): 'light' | 'dark' {
    if (this.choice !== 'system') return this.choice;
    return this.systemDark ? 'dark' : 'light';
  }
}

export const theme = new Theme();

// The token arrives in the URL fragment (never sent to any server), moves to sessionStorage (this
// tab only, gone when it closes) and leaves the address bar and history at once.
const KEY = 'robocurse.dashboard.token';

export function takeToken() {
  const m = /(?:^#|&)t=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, m[1]);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

// A scripted browser for the provider's devInteractions pages: a cookie jar,
// redirects followed by hand, forms posted. No real browser needed.
//
//   node browser.mjs AUTHORIZATION_URL          (jwtinspect --browser-command)
//   node browser.mjs --device VERIFICATION_URI USER_CODE
//
// BROWSER_MODE chooses what the user does:
//   approve (default)  log in as BROWSER_USER (default alice) and consent
//   deny               cancel at the login page (the provider answers access_denied)
//   wrong-state        approve, but arrive at the callback with another state
//   ignore             do nothing at all (the callback never comes)
// It writes what it did to stderr and exits 0 when the flow went as asked.
const mode = process.env.BROWSER_MODE || 'approve';
const user = process.env.BROWSER_USER || 'alice';
const jar = new Map();
const log = (msg) => process.stderr.write(`browser: ${msg}\n`);

function remember(res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
    else jar.set(name, value);
  }
}

async function request(url, init = {}) {
  const headers = { ...(init.headers || {}) };
  if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  remember(res);
  return res;
}

// Follow redirects until a page (200) or the loopback callback.
async function follow(url, init) {
  let res = await request(url, init);
  for (let hops = 0; hops < 20 && res.status >= 300 && res.status < 400; hops += 1) {
    const next = new URL(res.headers.get('location'), url);
    url = next.href;
    if (next.pathname === '/callback') return { callback: next, res };
    res = await request(url);
  }
  return { url, res, html: await res.text() };
}

function form(html, base) {
  const action = /<form[^>]*action="([^"]*)"/.exec(html);
  if (!action) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(m[0]);
    const value = /value="([^"]*)"/.exec(m[0]);
    if (name) fields.set(name[1], value ? value[1] : '');
  }
  return { action: new URL(action[1].replaceAll('&amp;', '&'), base).href, fields };
}

async function post(page, extra) {
  const { action, fields } = form(page.html, page.url);
  for (const [k, v] of Object.entries(extra)) fields.set(k, v);
  return follow(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
}

// Log in and consent until the flow leaves the interaction pages.
async function interact(page) {
  for (let step = 0; step < 5 && !page.callback; step += 1) {
    if (!page.html) break;
    if (page.html.includes('name="prompt" value="login"')) {
      if (mode === 'deny') {
        const abort = /href="([^"]*abort[^"]*)"/.exec(page.html);
        log('cancelling at the login page');
        page = await follow(new URL(abort[1], page.url).href);
        continue;
      }
      log(`logging in as ${user}`);
      page = await post(page, { login: user, password: 'any' });
    } else if (page.html.includes('name="prompt" value="consent"')) {
      log('consenting');
      page = await post(page, {});
    } else {
      break;
    }
  }
  return page;
}

async function authorizationCode(url) {
  if (mode === 'ignore') {
    log('ignoring the authorization URL');
    return;
  }
  const page = await interact(await follow(url));
  if (!page.callback) throw new Error(`the flow did not reach the callback: ${(page.html || '').slice(0, 300)}`);
  const callback = page.callback;
  if (mode === 'wrong-state') callback.searchParams.set('state', 'not-the-state-jwtinspect-sent');
  log(`calling back ${callback.origin}${callback.pathname}`);
  const res = await fetch(callback, { redirect: 'manual' });
  log(`callback answered ${res.status}`);
}

async function device(verificationUri, userCode) {
  let page = await follow(verificationUri);
  page = await post(page, { user_code: userCode });
  if (mode === 'deny') {
    log('aborting at the device confirmation page');
    page = await post(page, { abort: 'yes' });
    return;
  }
  log('confirming the device');
  page = await post(page, { confirm: 'yes' });
  page = await interact(page);
  if (!/Sign-in Success/.test(page.html || '')) throw new Error(`device flow not confirmed: ${(page.html || '').slice(0, 300)}`);
  log('device approved');
}

try {
  const args = process.argv.slice(2);
  if (args[0] === '--device') await device(args[1], args[2]);
  else await authorizationCode(args[0]);
} catch (e) {
  log(`failed: ${e.message}${e.cause ? ` (${e.cause.message || e.cause})` : ""}`);
  process.exit(1);
}

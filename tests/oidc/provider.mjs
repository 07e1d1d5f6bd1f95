// A real OpenID provider for jwtinspect's tests: panva's oidc-provider with
// one client per client authentication method. It listens on a free loopback
// port and prints one line `ready ISSUER` on stdout once it answers; it stops
// when its standard input closes (the test that started it went away).
//
// Environment (all optional):
//   OIDC_AT_TTL        access token lifetime in seconds (default 120)
//   OIDC_SLOW_DOWN     "1": answer the first poll of every device code with slow_down
//   OIDC_ISSUER_PATH   a path appended to the issuer (e.g. /tenant)
import { createServer } from 'node:http';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import Provider, { errors } from 'oidc-provider';
import { jwtVerify, createLocalJWKSet } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const AT_TTL = Number(process.env.OIDC_AT_TTL || 120);
const SLOW_DOWN = process.env.OIDC_SLOW_DOWN === '1';
const ISSUER_PATH = process.env.OIDC_ISSUER_PATH || '';

// The test users' one password (the devInteractions login page takes any).
export const USER_PASSWORD = 'correct horse battery staple';
const SECRET = 'test-client-secret-0123456789abcdef';
const API = 'urn:jwtinspect:api';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const REDIRECT = 'http://127.0.0.1/callback';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signing = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rsa', use: 'sig', alg: 'RS256' };
const publicJwks = { keys: [{ ...createPublicKey(privateKey).export({ format: 'jwk' }), kid: 'test-rsa', use: 'sig', alg: 'RS256' }] };
const clientJwk = {
  ...createPublicKey(readFileSync(join(here, 'client-key.pem'))).export({ format: 'jwk' }),
  kid: 'client-key',
};

const grants = ['authorization_code', 'refresh_token', 'client_credentials', 'password', TOKEN_EXCHANGE, DEVICE_CODE];
const common = {
  grant_types: grants,
  response_types: ['code'],
  redirect_uris: [REDIRECT],
  application_type: 'native',
  scope: 'openid profile email offline_access api:read api:write',
};

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}${ISSUER_PATH}`;

const apiInfo = () => ({
  scope: 'api:read api:write',
  audience: API,
  accessTokenTTL: AT_TTL,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'RS256' } },
});

const provider = new Provider(issuer, {
  clients: [
    { ...common, client_id: 'basic-client', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_basic' },
    { ...common, client_id: 'post-client', client_secret: SECRET, token_endpoint_auth_method: 'client_secret_post' },
    {
      ...common,
      client_id: 'public-client',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE],
    },
    {
      ...common,
      client_id: 'jwt-client',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [clientJwk] },
    },
  ],
  jwks: { keys: [signing] },
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: `Test User ${sub}`, email: `${sub}@example.test`, email_verified: true }),
  }),
  claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
  scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read', 'api:write'],
  pkce: { required: () => true },
  ttl: {
    AccessToken: AT_TTL,
    ClientCredentials: AT_TTL,
    IdToken: 3600,
    DeviceCode: 600,
    RefreshToken: 86400,
    Grant: 86400,
    Interaction: 600,
    Session: 86400,
  },
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource) => {
        if (resource !== API) throw new errors.InvalidTarget(`unknown resource ${resource}`);
        return apiInfo();
      },
    },
  },
  // Plain http on loopback: the tests never leave 127.0.0.1.
  cookies: { keys: ['test-cookie-key'] },
});
provider.proxy = false;

// A custom grant needs a Grant and an AccessToken of the API (a JWT).
async function apiToken(ctx, accountId, scope, gty) {
  const { client } = ctx.oidc;
  const grant = new provider.Grant({ accountId, clientId: client.clientId });
  grant.addOIDCScope('openid');
  grant.addResourceScope(API, scope);
  const grantId = await grant.save();
  const token = new provider.AccessToken({ accountId, client, grantId, gty, scope });
  token.resourceServer = new provider.ResourceServer(API, apiInfo());
  const value = await token.save();
  return { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope };
}

const apiScope = (requested) => (requested || 'api:read').split(' ').filter((s) => s.startsWith('api:')).join(' ') || 'api:read';

// Resource owner password credentials (RFC 6749 §4.3): oidc-provider leaves it
// out on purpose, so it is a registered grant here.
provider.registerGrantType('password', async (ctx) => {
  const { username, password, scope } = ctx.oidc.params;
  if (!username || password !== USER_PASSWORD) {
    throw new errors.CustomOIDCProviderError('invalid_grant', 'invalid user name or password');
  }
  ctx.body = await apiToken(ctx, username, apiScope(scope), 'password');
}, ['username', 'password', 'scope']);

// Token exchange (RFC 8693): a subject token this provider issued (an opaque
// access token or a JWT access token) for an API access token.
provider.registerGrantType(TOKEN_EXCHANGE, async (ctx) => {
  const { subject_token: subject, subject_token_type: type, scope } = ctx.oidc.params;
  if (!subject || !type) throw new errors.InvalidRequest('subject_token and subject_token_type are required');
  let sub;
  const opaque = await provider.AccessToken.find(subject).catch(() => undefined);
  if (opaque) {
    sub = opaque.accountId;
  } else {
    try {
      const { payload } = await jwtVerify(subject, createLocalJWKSet(publicJwks), { issuer });
      sub = payload.sub;
    } catch {
      throw new errors.CustomOIDCProviderError('invalid_grant', 'subject_token is not an active token of this issuer');
    }
  }
  if (!sub) throw new errors.CustomOIDCProviderError('invalid_grant', 'subject_token has no subject');
  const body = await apiToken(ctx, sub, apiScope(scope), 'token-exchange');
  ctx.body = { ...body, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' };
}, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'scope']);

// Device flow: a 1 s poll interval keeps the tests short. With OIDC_SLOW_DOWN
// the first token request after each device authorization is told to slow
// down (RFC 8628 §3.5); the tests run one device flow per provider.
let slowDownNext = false;
provider.use(async (ctx, next) => {
  if (SLOW_DOWN && slowDownNext && ctx.method === 'POST' && ctx.path.endsWith('/token')) {
    slowDownNext = false;
    ctx.status = 400;
    ctx.body = { error: 'slow_down', error_description: 'polling too quickly' };
    return;
  }
  await next();
  if (ctx.path.endsWith('/device/auth') && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
    ctx.body = { ...ctx.body, interval: 1 };
    slowDownNext = true;
  }
});

server.on('request', provider.callback());
process.stdout.write(`ready ${issuer}\n`);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();

// Checks a request's AWS Signature Version 4 the way AWS's front end does, in AWS's order and with
// its messages: a missing or malformed Authorization header, a request signed for another region
// or service, or a clock more than 15 minutes off is refused before the operation runs. With known
// credentials the signature itself is recomputed and compared; without, any access key is accepted.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  /** The query string as sent, without '?'. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface SignatureExpectations {
  region: string;
  service: string;
  now: Date;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface SignatureRefusal {
  status: 403;
  name:
    | 'MissingAuthenticationTokenException'
    | 'IncompleteSignatureException'
    | 'InvalidSignatureException'
    | 'UnrecognizedClientException';
  message: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

export function checkSignature(
  request: SignedRequest,
  expect: SignatureExpectations,
): SignatureRefusal | null {
  const authorization = single(request.headers.authorization);
  if (authorization === undefined || !authorization.trim().startsWith('AWS4-')) {
    return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const [algorithm = '', ...rest] = authorization.trim().split(/\s+/);
  const params = parseAuthorizationParams(rest.join(' '));
  const amzDate = single(request.headers['x-amz-date']) ?? single(request.headers.date);

  let incomplete = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders'] as const) {
    if (!params[name]) incomplete += `Authorization header requires '${name}' parameter. `;
  }
  if (amzDate === undefined) {
    incomplete += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (incomplete)
    return refuse('IncompleteSignatureException', `${incomplete}Authorization=${authorization}`);

  const date = parseAmzDate(amzDate ?? '');
  if (date === undefined) {
    return refuse(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const skew = date.getTime() - expect.now.getTime();
  if (skew < -MAX_SKEW_MS) {
    return refuse(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${basic(new Date(expect.now.getTime() - MAX_SKEW_MS))} (${basic(expect.now)} - 15 min.)`,
    );
  }
  if (skew > MAX_SKEW_MS) {
    return refuse(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${basic(new Date(expect.now.getTime() + MAX_SKEW_MS))} (${basic(expect.now)} + 15 min.)`,
    );
  }
  const signedHeaders = (params.SignedHeaders ?? '').split(';');
  if (!signedHeaders.includes('host')) {
    return refuse('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (algorithm !== ALGORITHM) {
    return refuse(
      'IncompleteSignatureException',
      `Unsupported AWS 'algorithm': '${algorithm}' (only ${ALGORITHM} for now). `,
    );
  }
  const credential = (params.Credential ?? '').replace(/\/+$/, '').split('/');
  if (credential.length !== 5) {
    return refuse(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.Credential}'`,
    );
  }
  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = credential;
  let scopeErrors = '';
  if (region !== expect.region)
    scopeErrors += `Credential should be scoped to a valid region, not '${region}'. `;
  if (service !== expect.service) {
    scopeErrors += `Credential should be scoped to correct service: '${expect.service}'. `;
  }
  if (terminator !== 'aws4_request') {
    scopeErrors += `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
  }
  const shortDate = (amzDate ?? '').slice(0, 8);
  if (scopeDate !== shortDate) {
    scopeErrors += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${shortDate}', from '${amzDate}'.`;
  }
  if (scopeErrors) return refuse('InvalidSignatureException', scopeErrors.trim());

  if (expect.credentials === undefined) return null;
  if (accessKeyId !== expect.credentials.accessKeyId) {
    return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const canonicalRequest = [
    request.method,
    canonicalPath(request.rawPath),
    canonicalQuery(request.rawQuery),
    ...signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.headers[name])}`),
    '',
    signedHeaders.join(';'),
    single(request.headers['x-amz-content-sha256']) ?? sha256Hex(request.body),
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${expect.credentials.secretAccessKey}`, scopeDate);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign).digest('hex'));
  const given = Buffer.from(params.Signature ?? '');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return refuse(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
        'Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return null;
}

function refuse(name: SignatureRefusal['name'], message: string): SignatureRefusal {
  return { status: 403, name, message };
}

function parseAuthorizationParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of text.split(/[,\s]+/)) {
    const equals = part.indexOf('=');
    if (equals > 0) params[part.slice(0, equals)] = part.slice(equals + 1);
  }
  return params;
}

function parseAmzDate(text: string): Date | undefined {
  const match = AMZ_DATE.exec(text);
  if (match === null) {
    const parsed = new Date(text);
    return Number.isNaN(parsed.getTime()) || !/GMT$/.test(text) ? undefined : parsed;
  }
  const [, year, month, day, hour, minute, second] = match;
  const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

function basic(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

// The SDK signs the path as sent, escaped once more (every AWS service but S3 does this).
function canonicalPath(rawPath: string): string {
  return escapeUri(rawPath).replace(/%2F/g, '/');
}

function canonicalQuery(rawQuery: string): string {
  const pairs: string[] = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    if (name.toLowerCase() !== 'x-amz-signature') pairs.push(`${escapeUri(name)}=${escapeUri(value)}`);
  }
  return pairs.sort().join('&');
}

function canonicalHeaderValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

/**
 * The access key and scope a request claims in its Authorization header, before any check: a
 * stand-in that serves several accounts or regions needs them to know which secret and region to
 * verify against. Undefined when the header is missing or malformed (checkSignature says why).
 */
export function credentialScopeOf(
  headers: Record<string, string | string[] | undefined>,
): CredentialScope | undefined {
  const authorization = single(headers.authorization);
  const credential = /Credential=([^,\s]+)/.exec(authorization ?? '')?.[1];
  const [accessKeyId, , region, service] = (credential ?? '').split('/');
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, region, service };
}

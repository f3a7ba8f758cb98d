// Who signed a request, for the stand-ins that serve several AWS accounts: the STS stand-in knows
// every access key (base principals and the temporary credentials it issued) and the Lambda
// stand-in asks it through IdentityVerifier. authenticate() checks a signed request the way AWS's
// front end does: a known key, its session token when it is a temporary one, the signature with
// its secret, and an unexpired session; refusals carry the JSON services' error names (the STS
// stand-in translates them to its Query codes).
//
// Public API:
//   interface AwsIdentity        one access key: account, ARN, secret, session token, expiry...
//   interface IdentityVerifier   identityOf(accessKeyId) and now() (StsStandIn implements it)
//   authenticate(request, verifier, {service, acceptsRegion, fallbackRegion})
//       → {identity, region} or {refusal: {status, name, message}}
//   isAllowed(identity, action)  whether the identity's policies allow an IAM action
//   actionMatches(patterns, action)   IAM action patterns with `*`
import { checkSignature, credentialScopeOf, type SignatureRefusal, type SignedRequest } from './sigv4';

export interface AwsIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  /** Set for temporary (STS-issued) credentials: requests must then carry it as x-amz-security-token. */
  sessionToken?: string;
  account: string;
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  /** The role of an assumed-role session (what trust policies name), `arn:aws:iam::<account>:role/<name>`. */
  roleArn?: string;
  /** Set once by AssumeRole and carried by every later session of the chain. */
  sourceIdentity?: string;
  expiresAt?: Date;
  /** IAM actions (`lambda:Get*`, `sts:AssumeRole`...) its policies allow; absent, every action. */
  allowedActions?: readonly string[];
}

export interface IdentityVerifier {
  identityOf(accessKeyId: string): AwsIdentity | undefined;
  /** The clock credentials expire by. */
  now(): Date;
}

export interface AuthenticationRefusal {
  status: 403;
  name: SignatureRefusal['name'] | 'ExpiredTokenException';
  message: string;
}

export type Authentication =
  | { identity: AwsIdentity; region: string; refusal?: undefined }
  | { refusal: AuthenticationRefusal };

export interface AuthenticationExpectations {
  service: string;
  /** The regions this endpoint answers for; a request scoped to another is refused. */
  acceptsRegion(region: string): boolean;
  /** The region named in the refusal's expectation when the request's region is not accepted. */
  fallbackRegion: string;
}

const INVALID_TOKEN = 'The security token included in the request is invalid.';

export function authenticate(
  request: SignedRequest,
  verifier: IdentityVerifier,
  expect: AuthenticationExpectations,
): Authentication {
  // Signatures are dated by the client's real clock: freshness is checked against real time, while
  // credential lifetimes follow the verifier's (injectable) clock.
  const signedAt = new Date();
  const scope = credentialScopeOf(request.headers);
  const region =
    scope !== undefined && expect.acceptsRegion(scope.region) ? scope.region : expect.fallbackRegion;
  const identity = scope === undefined ? undefined : verifier.identityOf(scope.accessKeyId);
  if (identity === undefined) {
    // A malformed header is reported as such before the unknown key.
    const malformed = checkSignature(request, { region, service: expect.service, now: signedAt });
    return {
      refusal: malformed ?? { status: 403, name: 'UnrecognizedClientException', message: INVALID_TOKEN },
    };
  }
  const token = request.headers['x-amz-security-token'];
  if ((Array.isArray(token) ? token[0] : token) !== identity.sessionToken) {
    return { refusal: { status: 403, name: 'UnrecognizedClientException', message: INVALID_TOKEN } };
  }
  const refusal = checkSignature(request, {
    region,
    service: expect.service,
    now: signedAt,
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
  });
  if (refusal !== null) return { refusal };
  if (identity.expiresAt !== undefined && identity.expiresAt.getTime() <= verifier.now().getTime()) {
    return {
      refusal: {
        status: 403,
        name: 'ExpiredTokenException',
        message: 'The security token included in the request is expired',
      },
    };
  }
  return { identity, region };
}

export function isAllowed(identity: AwsIdentity, action: string): boolean {
  return identity.allowedActions === undefined || actionMatches(identity.allowedActions, action);
}

/** Whether one of the IAM action patterns (`lambda:Get*`, `lambda:*`) covers the action. */
export function actionMatches(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => wildcard(pattern).test(action));
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

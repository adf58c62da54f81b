import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  fetchFromVendor,
  parseJsonBody,
  vendorAnswerError,
} from './vendorHttp';

describe('vendorAnswerError', () => {
  it.each([
    { status: 400, type: InputError },
    { status: 401, type: AuthenticationError, hint: '; check the apiToken' },
    { status: 403, type: NotAllowedError, hint: ': lacks a permission' },
    { status: 404, type: NotFoundError },
    { status: 409, type: ServiceUnavailableError },
    { status: 429, type: ServiceUnavailableError },
    { status: 500, type: ServiceUnavailableError },
    { status: 502, type: ServiceUnavailableError },
    { status: 503, type: ServiceUnavailableError },
  ])('turns $status into $type.name', ({ status, type, hint = '' }) => {
    const error = vendorAnswerError({
      call: 'Vendor GET /things/1',
      status,
      reason: 'Nope',
      authenticationHint: '; check the apiToken',
      permissionHint: ': lacks a permission',
    });

    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({
      name: type.name,
      message: `Vendor GET /things/1 answered ${status}: Nope${hint}`,
    });
    expect(error.cause).toBeUndefined();
  });

  it('names only the call and status without a reason or hint', () => {
    expect(
      vendorAnswerError({ call: 'Vendor POST /things', status: 401 }),
    ).toMatchObject({
      name: 'AuthenticationError',
      message: 'Vendor POST /things answered 401',
    });
  });

  it("keeps the vendor's error as the cause", () => {
    const cause = new Error('Field summary is required');

    const error = vendorAnswerError({
      call: 'Vendor POST /things',
      status: 400,
      cause,
    });

    expect(error.cause).toBe(cause);
    expect(error.message).toBe(
      'Vendor POST /things answered 400; caused by Error: Field summary is required',
    );
  });
});

describe('fetchFromVendor', () => {
  let sleeps: number[];
  let answers: Response[];
  let fetchMock: jest.SpyInstance;

  beforeEach(() => {
    sleeps = [];
    answers = [];
    fetchMock = jest
      .spyOn(globalThis, 'fetch')
      .mockImplementation(async () => answers.shift()!);
  });
  afterEach(() => fetchMock.mockRestore());

  const request = (retriedStatuses?: number[]) =>
    fetchFromVendor({
      call: 'Vendor GET /things',
      url: 'https://vendor.example/things',
      init: { method: 'GET' },
      retriedStatuses,
      maxRetries: 2,
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
  const answer = (status: number, retryAfter?: string) =>
    new Response(`answer ${status}`, {
      status,
      headers: retryAfter ? { 'Retry-After': retryAfter } : {},
    });

  it('waits Retry-After seconds after a 429, then returns the answer', async () => {
    answers = [answer(429, '2'), answer(429), answer(200)];

    await expect(request()).resolves.toEqual({
      status: 200,
      text: 'answer 200',
    });
    expect(sleeps).toEqual([2000, 1000]);
  });

  it('gives up after the last retry with a ServiceUnavailableError', async () => {
    answers = [answer(429, '1'), answer(429, '1'), answer(429, '1')];

    await expect(request()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'Vendor GET /things answered 429 Too Many Requests after 2 retries, Retry-After 1s; try again later',
    });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('fails at once when Retry-After is longer than 30 seconds', async () => {
    answers = [answer(503, '31')];

    await expect(request([429, 503])).rejects.toThrow(
      'Vendor GET /things answered 503 Service Unavailable after 0 retries, Retry-After 31s; try again later',
    );
    expect(sleeps).toEqual([]);
  });

  it('returns answers it does not retry as they are', async () => {
    answers = [answer(503), answer(404)];

    await expect(request()).resolves.toEqual({
      status: 503,
      text: 'answer 503',
    });
    await expect(request()).resolves.toEqual({
      status: 404,
      text: 'answer 404',
    });
  });

  it('turns a network failure into a ServiceUnavailableError naming the call', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('fetch failed'));

    await expect(request()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: 'Vendor GET /things failed; caused by TypeError: fetch failed',
    });
  });
});

describe('parseJsonBody', () => {
  it('reads JSON and leaves anything else undefined', () => {
    expect(parseJsonBody('{"a":1}')).toEqual({ a: 1 });
    expect(parseJsonBody('<html>Bad gateway</html>')).toBeUndefined();
  });
});

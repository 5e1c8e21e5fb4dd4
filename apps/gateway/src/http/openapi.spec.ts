import { GATEWAY_CONTROLLERS } from '../gateway.module';
import { buildOpenApiDocument, controllerRoutes } from './openapi';

/**
 * The OpenAPI document is generated from the routes' zod schemas: every route of the gateway's controllers
 * must be described (`@ApiRoute`), so that a new route without its schemas fails here.
 */
describe('the OpenAPI document', () => {
  const routes = controllerRoutes(GATEWAY_CONTROLLERS);
  const document = buildOpenApiDocument(GATEWAY_CONTROLLERS);

  it('finds the routes of the controllers', () => {
    expect(routes.length).toBeGreaterThanOrEqual(29);
    expect(routes).toContainEqual(
      expect.objectContaining({ method: 'get', path: '/api/alerts/{id}/history' }),
    );
  });

  it('describes every route of the controllers, and nothing else', () => {
    expect(routes.filter((r) => !r.contract).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('states each request schema once: a part a pipe validates is not described again in @ApiRoute', () => {
    const twice = routes.flatMap((r) => [
      ...Object.keys(r.contract?.params ?? {})
        .filter((name) => name in r.validated.params)
        .map((name) => `${r.method} ${r.path} params.${name}`),
      ...(r.contract?.body && r.validated.body ? [`${r.method} ${r.path} body`] : []),
    ]);
    expect(twice).toEqual([]);
    // The document's request is the validating pipes' schemas.
    const track = document.paths['/api/trucks/{id}/track']?.get;
    expect((track?.parameters ?? []).map((p) => ('name' in p ? `${p.in} ${p.name}` : ''))).toEqual([
      'path id',
      'query from',
      'query to',
    ]);
  });

  it('takes request and answer schemas from zod: parameters, bodies, answers and errors', () => {
    const list = document.paths['/api/alerts']?.get;
    const names = (list?.parameters ?? []).map((p) => ('name' in p ? p.name : ''));
    expect(names).toEqual(expect.arrayContaining(['active', 'severity', 'held', 'cause', 'since', 'limit']));
    const cause = (list?.parameters ?? []).find((p) => 'name' in p && p.name === 'cause');
    expect(cause).toMatchObject({
      in: 'query',
      required: false,
      description: expect.stringContaining('link:'),
    });
    expect(list?.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(list?.responses ?? {}).sort()).toEqual(['200', '400', '401', '403']);
    const ack = document.paths['/api/alerts/{id}/ack']?.post;
    // A body may be left out where its schema takes `{}` (the pipe reads a missing body as `{}`).
    expect(ack?.requestBody).toMatchObject({ required: false });
    expect(document.paths['/api/closures']?.post?.requestBody).toMatchObject({ required: true });
    expect(document.paths['/api/auth/login']?.post?.security).toBeUndefined();
    // The success status as Nest answers it: a duty check is accepted (202), not done.
    expect(Object.keys(document.paths['/api/duty-checks']?.post?.responses ?? {})).toContain('202');
    expect(document.paths['/api/auth/me']?.get?.security).toEqual([{ bearer: [] }]);
    const transition = document.components?.schemas?.AlertTransition as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(transition.properties)).toEqual(
      expect.arrayContaining(['type', 'clearedAck', 'trace']),
    );
    expect(document.components?.schemas).toHaveProperty('Alert');
    expect(document.components?.schemas).toHaveProperty('Error');
  });
});

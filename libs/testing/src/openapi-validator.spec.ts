import { openApiValidator } from './openapi-validator';

const doc = {
  paths: {
    '/api/posts/{id}': {
      get: {
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Post' } } } },
          '404': { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
        },
      },
    },
    '/api/posts/mine': { get: { responses: { '204': { description: 'none' } } } },
  },
  components: {
    schemas: {
      Post: {
        type: 'object',
        required: ['id', 'viewerReaction'],
        properties: { id: { type: 'string', format: 'uuid' }, viewerReaction: { type: 'string', nullable: true } },
      },
      ErrorBody: { type: 'object', required: ['statusCode'], properties: { statusCode: { type: 'integer' } } },
    },
  },
};
const id = '5f0c3a5e-8f3e-4c4e-9a54-2b1a4f0e3b11';
const json = 'application/json; charset=utf-8';

describe('openApiValidator', () => {
  const check = openApiValidator(doc);

  it('accepts answers that match, null where nullable', () => {
    const body = { id, viewerReaction: null };
    expect(check({ method: 'GET', path: `/api/posts/${id}`, status: 200, contentType: json, body })).toBeNull();
    expect(
      check({ method: 'GET', path: '/api/posts/mine', status: 204, contentType: null, body: undefined }),
    ).toBeNull();
  });

  it('refuses a body off its schema, an undocumented status or method', () => {
    const bad = { id: 'not-a-uuid', viewerReaction: 3 };
    expect(check({ method: 'GET', path: `/api/posts/${id}`, status: 200, contentType: json, body: bad })).toMatch(
      /format "uuid".*must be string|must be string/,
    );
    expect(check({ method: 'GET', path: `/api/posts/${id}`, status: 409, contentType: json, body: {} })).toMatch(
      /status not documented/,
    );
    expect(
      check({ method: 'DELETE', path: `/api/posts/${id}`, status: 204, contentType: null, body: undefined }),
    ).toMatch(/method not documented/);
  });

  it('leaves paths the document does not have to other tests', () => {
    expect(check({ method: 'GET', path: '/api/nothing', status: 404, contentType: json, body: {} })).toBeNull();
  });
});

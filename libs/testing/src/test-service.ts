import 'reflect-metadata';
import { DataSource, type EntityManager } from 'typeorm';

type Class<T = unknown> = abstract new (...args: any[]) => T;

/** Every method of `cls` (and its parents) as a `jest.fn()` with no behaviour. */
export function automock<T extends object>(cls: Class<T>): jest.Mocked<T> {
  const mock: Record<string, jest.Mock> = {};
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype;) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      if (key === 'constructor' || key in mock) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof descriptor?.value === 'function') mock[key] = jest.fn();
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return mock as unknown as jest.Mocked<T>;
}

/** For injection tokens without a class (`@Inject(REDIS)`): any property read is a `jest.fn()`. */
function anyMock(): Record<string, jest.Mock> {
  const fns: Record<string, jest.Mock> = {};
  return new Proxy(fns, { get: (target, key: string) => (target[key] ??= jest.fn()) });
}

export interface TestService<S> {
  /** The service under test, built with mocks for every constructor dependency. */
  sut: S;
  /** The mock standing in for a dependency of that class. */
  mock<T extends object>(cls: Class<T>): jest.Mocked<T>;
  /** The manager handed to `dataSource.transaction(cb)`; its `query` is a `jest.fn()`. */
  manager: jest.Mocked<EntityManager>;
  /** The mocks of `@Inject(token)` parameters, by constructor position. */
  injected(position: number): Record<string, jest.Mock>;
}

/**
 * Builds a service for a unit spec, the way immich's `newTestService` does: each constructor
 * parameter (read from the decorator metadata) gets an automock of its class, a `DataSource` gets
 * a fake whose `transaction(cb)` runs `cb` with a mocked manager, and a token-injected parameter
 * gets a mock that answers any method. Rules are then asserted on what the service returns or
 * throws and on what it asked its repositories to do.
 */
export function newTestService<S>(Service: new (...args: never[]) => S): TestService<S> {
  const types = (Reflect.getMetadata('design:paramtypes', Service) ?? []) as unknown[];
  const manager = { query: jest.fn() } as unknown as jest.Mocked<EntityManager>;
  const byClass = new Map<unknown, unknown>();
  const args = types.map((type) => {
    if (type === DataSource) {
      const dataSource = {
        transaction: jest.fn((work: (m: EntityManager) => unknown) => Promise.resolve().then(() => work(manager))),
        query: jest.fn(),
      };
      byClass.set(DataSource, dataSource);
      return dataSource;
    }
    if (typeof type === 'function' && type !== Object && type.prototype) {
      const mock = automock(type as Class<object>);
      byClass.set(type, mock);
      return mock;
    }
    return anyMock();
  });
  const sut = new Service(...(args as never[]));
  return {
    sut,
    manager,
    mock: <T extends object>(cls: Class<T>) => {
      const found = byClass.get(cls);
      if (!found) throw new Error(`${Service.name} takes no ${cls.name}`);
      return found as jest.Mocked<T>;
    },
    injected: (position: number) => args[position] as Record<string, jest.Mock>,
  };
}

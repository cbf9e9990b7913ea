import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  getOperationAST,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLInterfaceType,
  GraphQLObjectType,
  type GraphQLSchema,
  isCompositeType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Arguments that size a list: the cost of what they select is multiplied by them (contract: first/last ≤ 100). */
const PAGE_ARGS = ['first', 'last'];
export const MAX_PAGE = 100;

export interface OperationMeasure {
  /** Deepest field nesting (`{ me { id } }` is 2). */
  depth: number;
  /** Every field costs 1; the selection under a `first`/`last` field costs that many times. */
  complexity: number;
  /** `Type.field(first: n)` values outside 1..100, to refuse with BAD_USER_INPUT. */
  badPageSizes: string[];
}

/**
 * Measures an operation before it runs, with its variables: depth, cost and page sizes.
 * Introspection fields (`__schema`, `__type`) are not counted: introspection is a development
 * tool, and is off in production.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): OperationMeasure {
  const operation = getOperationAST(document, operationName ?? undefined);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const badPageSizes: string[] = [];
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return { depth: 0, complexity: 0, badPageSizes };

  const valueOf = (node: ValueNode): unknown => {
    if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
    if (node.kind === Kind.INT) return Number(node.value);
    return undefined;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    seen: ReadonlySet<string>,
  ): { cost: number; depth: number } => {
    let cost = 0;
    let depth = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name.startsWith('__')) continue;
        const field: GraphQLField<unknown, unknown> | undefined =
          parent instanceof GraphQLObjectType || parent instanceof GraphQLInterfaceType
            ? parent.getFields()[name]
            : undefined;
        let multiplier = 1;
        for (const argName of PAGE_ARGS) {
          const argNode = selection.arguments?.find((a) => a.name.value === argName);
          const declared = field?.args.find((a) => a.name === argName);
          if (!argNode && !declared) continue;
          const value = argNode ? valueOf(argNode.value) : declared?.defaultValue;
          if (value === undefined || value === null) continue;
          if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE) {
            badPageSizes.push(`${parent.name}.${name}(${argName}: ${JSON.stringify(value)})`);
            continue;
          }
          multiplier = Math.max(multiplier, value);
        }
        let child = { cost: 0, depth: 0 };
        const type = field && getNamedType(field.type);
        if (selection.selectionSet && type && isCompositeType(type)) child = walk(selection.selectionSet, type, seen);
        cost += 1 + multiplier * child.cost;
        depth = Math.max(depth, 1 + child.depth);
      } else {
        let fragmentSet: SelectionSetNode;
        let typeName: string | undefined;
        let nextSeen = seen;
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          fragmentSet = selection.selectionSet;
          typeName = selection.typeCondition?.name.value;
        } else {
          const fragment = fragments.get(selection.name.value);
          // A cycle or an unknown fragment is the validator's to report.
          if (!fragment || seen.has(fragment.name.value)) continue;
          fragmentSet = fragment.selectionSet;
          typeName = fragment.typeCondition.name.value;
          nextSeen = new Set([...seen, fragment.name.value]);
        }
        const condition = typeName ? schema.getType(typeName) : parent;
        const inner = walk(fragmentSet, condition && isCompositeType(condition) ? condition : parent, nextSeen);
        cost += inner.cost;
        depth = Math.max(depth, inner.depth);
      }
    }
    return { cost, depth };
  };

  const { cost, depth } = walk(operation.selectionSet, root, new Set());
  return { depth, complexity: cost, badPageSizes };
}

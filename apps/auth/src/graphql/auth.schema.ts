/** The auth subgraph: what only the account knows about a user, shown to that user alone. */
export const AUTH_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    "The account's email: the caller's own only (null for anyone else)."
    email: String
    "Effective roles: the caller's own only (null for anyone else)."
    roles: [String!]
  }
`;

/** The profiles subgraph: owns `User` (the profile) and the follow mutations. */
export const PROFILES_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query {
    "The caller's own profile."
    me: User!
    "A profile by handle; null when there is none or its owner blocked the caller."
    user(handle: String!): User
    "People you may know: second-degree connections first (at most 100)."
    suggestions(first: Int = 10): [User!]!
  }

  type Mutation {
    "Follow a user (idempotent). You cannot follow yourself (BAD_USER_INPUT)."
    follow(userId: ID!): Boolean!
    "Stop following a user (idempotent)."
    unfollow(userId: ID!): Boolean!
  }

  "A member of Plaza. Someone who blocked the caller shows only id, handle and displayName."
  type User @key(fields: "id") {
    id: ID!
    handle: String!
    displayName: String!
    headline: String
    bio: String
    location: String
    skills: [String!]!
    connectionCount: Int!
    followerCount: Int!
    followingCount: Int!
    "From the caller's point of view; null for a hidden user."
    relationship: Relationship
  }

  type Relationship {
    "none, pending_outgoing, pending_incoming or connected"
    connection: String!
    following: Boolean!
    followedBy: Boolean!
    blocked: Boolean!
  }
`;

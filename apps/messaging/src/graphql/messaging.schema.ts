/** The messaging subgraph: conversations and messages of the caller. */
export const MESSAGING_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    "The caller's conversations, most recent activity first."
    conversations(first: Int = 20, after: String): ConversationConnection!
    "A conversation of the caller; null when there is none or the caller is not a member."
    conversation(id: ID!): Conversation
  }

  type Mutation {
    "Send a message (text 1-4000 characters). The same clientMsgId in the same conversation returns the stored message."
    sendMessage(conversationId: ID!, text: String!, clientMsgId: String!): Message!
  }

  type User @key(fields: "id") {
    id: ID!
    "Whether the user has a socket open: known for the caller's connections only (others: false)."
    online: Boolean
    "When the user's last socket closed (null while online, and for anyone not connected to the caller)."
    lastSeenAt: String
  }

  type Conversation @key(fields: "id") {
    id: ID!
    "direct or group"
    type: String!
    title: String
    members: [User!]!
    lastMessage: Message
    unreadCount: Int!
    createdAt: String!
    "The newest messages before seq before (default: the newest), in seq order; last at most 100."
    messages(last: Int = 50, before: Int): [Message!]!
  }

  type Message @key(fields: "id") {
    id: ID!
    conversationId: ID!
    "Starts at 1 in each conversation and increases by exactly 1 per stored message."
    seq: Int!
    sender: User!
    text: String!
    clientMsgId: String!
    createdAt: String!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  type ConversationConnection {
    edges: [ConversationEdge!]!
    pageInfo: PageInfo!
  }

  type ConversationEdge {
    cursor: String!
    node: Conversation!
  }
`;

/** The feed subgraph: posts, comments, reactions, the home timeline and notifications; `User.posts`. */
export const FEED_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query {
    "A post; null when there is none or the caller may not see it."
    post(id: ID!): Post
    "Home timeline, newest first: the caller's posts and those of everyone they follow that they may see."
    feed(first: Int = 20, after: String): PostConnection!
    "The caller's notifications, newest first, with the unread count over all pages."
    notifications(first: Int = 20, after: String): NotificationConnection!
  }

  type Mutation {
    "Publish a post (text 1-3000 characters; visibility public or connections). The same idempotencyKey returns the first post."
    createPost(text: String!, visibility: String, idempotencyKey: String): Post!
    "Comment on a post the caller may see (text 1-1000 characters)."
    comment(postId: ID!, text: String!): Comment!
    "Set the caller's reaction (like, celebrate, support, insightful); null removes it."
    react(postId: ID!, type: String): Post!
    "Mark these notifications read (none: all)."
    markNotificationsRead(ids: [ID!]): Boolean!
  }

  type User @key(fields: "id") {
    id: ID!
    "This user's posts that the caller may see, newest first."
    posts(first: Int = 20, after: String): PostConnection!
  }

  type Post @key(fields: "id") {
    id: ID!
    author: User!
    text: String!
    "public or connections"
    visibility: String!
    createdAt: String!
    commentCount: Int!
    reactionCounts: [ReactionCount!]!
    "The caller's own reaction, if any."
    viewerReaction: String
    "Oldest first; comments by users blocked either way are hidden."
    comments(first: Int = 20, after: String): CommentConnection!
  }

  type Comment @key(fields: "id") {
    id: ID!
    post: Post!
    author: User!
    text: String!
    createdAt: String!
  }

  type ReactionCount {
    type: String!
    count: Int!
  }

  type Notification @key(fields: "id") {
    id: ID!
    "connection.requested, connection.accepted, follow.created, post.commented or post.reacted"
    type: String!
    actor: User
    subjectId: ID
    createdAt: String!
    read: Boolean!
  }

  type PageInfo @shareable {
    hasNextPage: Boolean!
    endCursor: String
  }

  type PostConnection {
    edges: [PostEdge!]!
    pageInfo: PageInfo!
  }

  type PostEdge {
    cursor: String!
    node: Post!
  }

  type CommentConnection {
    edges: [CommentEdge!]!
    pageInfo: PageInfo!
  }

  type CommentEdge {
    cursor: String!
    node: Comment!
  }

  type NotificationConnection {
    edges: [NotificationEdge!]!
    pageInfo: PageInfo!
    unreadCount: Int!
  }

  type NotificationEdge {
    cursor: String!
    node: Notification!
  }
`;

// Conversation machines land here (issue 4); actors/ may import only xstate and shared/.
export {};

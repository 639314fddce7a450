// Public test keys (their private halves were thrown away).
export const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOY6eFprMdIQ9L6AyXCyuVub6ni3MyhfnZfT8h7FBYuY test@notos";
export const RSA =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDEddKfEJ7FNhqMsgP+a9ReQBV7F7Ywc7KcZJQ9AOnqzThXaGHCDHTmj+Zf/y7lgrluq/ZAr170BhqzuPEwo8/EKWeGKYDNDBxV6s7MHqegd5DSHfSjfL27StGqBq9tWKZpvOB9RBH+aLzJEhhN5tRSU/7u36Yu/XXvcaFnF6kIsw== rsa@notos";
export const ECDSA =
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFnuFdsGqP/BF8M/7u2aUyYgv+YtTxkZcfrJAvCroFO8jm5krtb0aKJffOXRBc0LHptOAVX1phZhA1vYVqXIE/M= ec@notos";

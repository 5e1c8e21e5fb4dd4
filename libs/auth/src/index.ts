export * from './password';
export * from './duration';
export * from './principal';
export * from './tokens';
export * from './login-limiter';
export * from './users';
export * from './nest/auth.guard';

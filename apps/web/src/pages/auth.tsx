import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, type FormEvent, type ReactNode } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api } from '../api/api';
import { ErrorText, Notice, PageTitle } from '../ui';

function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="auth">
      <p className="brand">Plaza</p>
      <PageTitle>{title}</PageTitle>
      {children}
    </main>
  );
}

function field(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement).value;
}

function checked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement).checked;
}

/** A mutation fed by a form, and the submit handler that runs it (no page reload). */
function useFormMutation<T>(run: (form: HTMLFormElement) => Promise<T>) {
  const mutation = useMutation({ mutationFn: run });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    mutation.mutate(e.currentTarget);
  };
  return [mutation, submit] as const;
}

export function SignIn({ notice }: { notice: string | null }) {
  const [login, submit] = useFormMutation((form) =>
    api.auth.login({
      email: field(form, 'email'),
      password: field(form, 'password'),
      rememberMe: checked(form, 'remember'),
    }),
  );
  return (
    <AuthFrame title="Sign in">
      {notice && <Notice>{notice}</Notice>}
      <form onSubmit={submit}>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label className="check">
          <input name="remember" type="checkbox" /> Keep me signed in
        </label>
        <ErrorText error={login.error} />
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link href="/forgot-password">Forgot your password?</Link> · New here?{' '}
        <Link href="/signup">Create an account</Link>
      </p>
    </AuthFrame>
  );
}

export function SignUp() {
  const [register, submit] = useFormMutation((form) =>
    api.auth.register({
      email: field(form, 'email'),
      password: field(form, 'password'),
      handle: field(form, 'handle'),
      displayName: field(form, 'displayName'),
      rememberMe: checked(form, 'remember'),
    }),
  );
  return (
    <AuthFrame title="Create your account">
      <form onSubmit={submit}>
        <label>
          Name
          <input name="displayName" autoComplete="name" required maxLength={80} />
        </label>
        <label>
          Handle
          <input
            name="handle"
            required
            pattern="[a-z0-9_]{3,30}"
            aria-describedby="handle-hint"
            autoCapitalize="none"
            spellCheck={false}
          />
        </label>
        <small id="handle-hint">3 to 30 lower-case letters, digits or _</small>
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            maxLength={128}
            aria-describedby="password-hint"
          />
        </label>
        <small id="password-hint">At least 10 characters; avoid common passwords.</small>
        <label className="check">
          <input name="remember" type="checkbox" /> Keep me signed in
        </label>
        <ErrorText error={register.error} />
        <button type="submit" disabled={register.isPending}>
          Create account
        </button>
        <small>We'll email you a link to confirm your address.</small>
      </form>
      <p>
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </AuthFrame>
  );
}

export function ForgotPassword() {
  const forgot = useMutation({ mutationFn: (email: string) => api.auth.forgotPassword(email) });
  return (
    <AuthFrame title="Reset your password">
      {forgot.isSuccess ? (
        <Notice>
          If an account uses that address, we've sent it a link to choose a new password. It works for 30 minutes.
        </Notice>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            forgot.mutate(field(e.currentTarget, 'email'));
          }}
        >
          <label>
            Email
            <input name="email" type="email" autoComplete="email" required />
          </label>
          <ErrorText error={forgot.error} />
          <button type="submit" disabled={forgot.isPending}>
            Send me a link
          </button>
        </form>
      )}
      <p>
        <Link href="/signin">Back to sign in</Link>
      </p>
    </AuthFrame>
  );
}

export function ResetPassword() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const [, navigate] = useLocation();
  const reset = useMutation({
    mutationFn: (password: string) => api.auth.resetPassword(token, password),
  });
  return (
    <AuthFrame title="Choose a new password">
      {reset.isSuccess ? (
        <>
          <Notice>Your password was changed and every device was signed out.</Notice>
          <button onClick={() => navigate('/signin')}>Sign in</button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate(field(e.currentTarget, 'password'));
          }}
        >
          <label>
            New password
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              maxLength={128}
            />
          </label>
          <ErrorText
            error={token ? reset.error : new Error('This link is incomplete. Open the link from the email again.')}
          />
          <button type="submit" disabled={!token || reset.isPending}>
            Set password
          </button>
        </form>
      )}
    </AuthFrame>
  );
}

export function VerifyEmail() {
  const token = new URLSearchParams(useSearch()).get('token') ?? '';
  const verify = useMutation({ mutationFn: () => api.auth.verifyEmail(token) });
  const { mutate } = verify;
  // A token works once: never send it twice (React's strict mode runs effects twice in development).
  const sent = useRef(false);
  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      mutate();
    }
  }, [token, mutate]);
  const done = verify.isSuccess;
  return (
    <AuthFrame title="Confirm your email">
      {!token && <ErrorText error={new Error('This link is incomplete. Open the link from the email again.')} />}
      {verify.isPending && <p aria-busy="true">Confirming…</p>}
      {done && <Notice>Your email address is confirmed. Thank you!</Notice>}
      <ErrorText error={verify.error} />
      <p>
        <Link href="/">Continue to Plaza</Link>
      </p>
    </AuthFrame>
  );
}

import type { ReactNode } from 'react';
import { Logo } from '../../ui/Logo.tsx';

export function AuthFrame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="center-page" id="main">
      <div className="card auth-card">
        <div className="row" style={{ marginBottom: '1rem' }}>
          <Logo />
          <strong style={{ fontSize: '1.1rem' }}>Vexil</strong>
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

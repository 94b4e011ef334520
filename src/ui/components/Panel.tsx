import type { ReactNode } from 'react';

/** A numbered step of the flow (data, model, train, evaluate): one visual language for all. */
export function Panel(props: { id: string; step?: number; title: string; aside?: ReactNode; children: ReactNode }) {
  return (
    <section className="panel" id={props.id} aria-labelledby={`${props.id}-title`}>
      <header className="panel-head">
        <h2 id={`${props.id}-title`}>
          {props.step !== undefined && <span className="step-no">{props.step}</span>}
          {props.title}
        </h2>
        {props.aside}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <p className="empty">{props.children}</p>;
}

import { type FormEvent, useState } from 'react';
import type { Environment } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { TextField } from '../../ui/Field.tsx';
import { segmentMatches } from './evaluate-segment.ts';
import { inferTraitValue, type SegmentUnderTest, segmentTestContext } from './segment-context.ts';

interface TraitRow {
  key: string;
  value: string;
}

/** "Test this segment": evaluates the rules being edited (saved or not) against traits typed here, in the browser. */
export function TestSegmentBox({
  segment,
  environment,
}: {
  segment: SegmentUnderTest;
  environment: Environment | undefined;
}) {
  const [identifier, setIdentifier] = useState('test-user');
  const [traits, setTraits] = useState<TraitRow[]>([{ key: '', value: '' }]);
  const [result, setResult] = useState<{ matched: boolean } | { error: string } | null>(null);
  const run = (e: FormEvent) => {
    e.preventDefault();
    if (!environment) return;
    const typed: Record<string, ReturnType<typeof inferTraitValue>> = {};
    for (const t of traits) if (t.key.trim() !== '') typed[t.key.trim()] = inferTraitValue(t.value);
    try {
      const context = segmentTestContext({
        environment: { key: environment.api_key, name: environment.name },
        segment,
        identifier: identifier.trim() || 'test-user',
        traits: typed,
      });
      setResult({ matched: segmentMatches(context) });
    } catch (err) {
      setResult({ error: (err as Error).message });
    }
  };
  const setRow = (i: number, row: TraitRow | null) => {
    setResult(null);
    setTraits(row === null ? traits.filter((_, j) => j !== i) : traits.map((t, j) => (j === i ? row : t)));
  };
  return (
    <form className="card stack" onSubmit={run} aria-labelledby="test-title" noValidate>
      <h2 id="test-title">Test this segment</h2>
      <p className="muted">
        Type traits as an SDK would send them; the rules on the left are evaluated by the Vexil engine, here
        in your browser.
      </p>
      <TextField
        label="Identifier"
        value={identifier}
        onChange={(e) => setIdentifier(e.target.value)}
        hint="Percentage splits hash on it."
      />
      {traits.map((t, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional
        <div className="row" key={i} style={{ alignItems: 'flex-end' }}>
          <div style={{ flex: 1 }}>
            <TextField
              label={`Trait ${i + 1} key`}
              value={t.key}
              onChange={(e) => setRow(i, { ...t, key: e.target.value })}
            />
          </div>
          <div style={{ flex: 1 }}>
            <TextField
              label={`Trait ${i + 1} value`}
              value={t.value}
              onChange={(e) => setRow(i, { ...t, value: e.target.value })}
            />
          </div>
          <Button small variant="ghost" onClick={() => setRow(i, null)} aria-label={`Remove trait ${i + 1}`}>
            ✕
          </Button>
        </div>
      ))}
      <div className="row">
        <Button small onClick={() => setTraits([...traits, { key: '', value: '' }])}>
          + Trait
        </Button>
        <Button type="submit" variant="primary" disabled={!environment}>
          Test
        </Button>
      </div>
      <output aria-live="polite" data-testid="segment-test-result">
        {result === null ? null : 'error' in result ? (
          <span className="form-error">{result.error}</span>
        ) : result.matched ? (
          <span className="result-match">
            ✓ {identifier} is in {segment.name}
          </span>
        ) : (
          <span className="result-nomatch">
            ✗ {identifier} is not in {segment.name}
          </span>
        )}
      </output>
      {segment.id === undefined ? (
        <p className="muted">Percentage splits may place identities differently once the segment is saved.</p>
      ) : null}
    </form>
  );
}

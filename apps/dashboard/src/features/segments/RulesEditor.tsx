import { useId } from 'react';
import type { Condition, Operator, Rule, RuleType } from '../../api/types.ts';
import { OPERATORS } from '../../api/types.ts';
import { Button } from '../../ui/Button.tsx';
import { emptyCondition, emptyRule, MAX_RULE_DEPTH, OPERATOR_INFO, RULE_TYPE_LABEL } from './rules-model.ts';

/** Nested rules (ALL / ANY / NONE) of conditions with every operator; `onChange` gets the whole new list. */
export function RulesEditor({ rules, onChange }: { rules: Rule[]; onChange: (rules: Rule[]) => void }) {
  return <RuleList rules={rules} depth={1} path="Rule" onChange={onChange} />;
}

function RuleList({
  rules,
  depth,
  path,
  onChange,
}: {
  rules: Rule[];
  depth: number;
  path: string;
  onChange: (rules: Rule[]) => void;
}) {
  const set = (i: number, rule: Rule | null) =>
    onChange(rule === null ? rules.filter((_, j) => j !== i) : rules.map((r, j) => (j === i ? rule : r)));
  return (
    <div>
      {rules.map((rule, i) => (
        <RuleEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity of their own until saved
          key={i}
          rule={rule}
          depth={depth}
          name={`${path} ${i + 1}`}
          onChange={(r) => set(i, r)}
          onRemove={() => set(i, null)}
        />
      ))}
      <Button small onClick={() => onChange([...rules, emptyRule(depth === 1 ? 'ALL' : 'ANY')])}>
        + {depth === 1 ? 'Rule' : 'Nested rule'}
      </Button>
    </div>
  );
}

function RuleEditor({
  rule,
  depth,
  name,
  onChange,
  onRemove,
}: {
  rule: Rule;
  depth: number;
  name: string;
  onChange: (r: Rule) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const setCondition = (i: number, c: Condition | null) =>
    onChange({
      ...rule,
      conditions:
        c === null
          ? rule.conditions.filter((_, j) => j !== i)
          : rule.conditions.map((x, j) => (j === i ? c : x)),
    });
  return (
    <fieldset className="rule" aria-label={name} style={{ margin: '0 0 0.75rem' }}>
      <div className="row" style={{ marginBottom: '0.5rem' }}>
        <label htmlFor={`${id}-type`} className="visually-hidden">
          {name} matches when
        </label>
        <select
          id={`${id}-type`}
          className="input"
          style={{ width: '8rem' }}
          value={rule.type}
          onChange={(e) => onChange({ ...rule, type: e.target.value as RuleType })}
        >
          {(['ALL', 'ANY', 'NONE'] as const).map((t) => (
            <option key={t} value={t}>
              {RULE_TYPE_LABEL[t]}
            </option>
          ))}
        </select>
        <span className="muted">
          these {depth < MAX_RULE_DEPTH ? 'conditions and rules' : 'conditions'} hold
        </span>
        <span style={{ flex: 1 }} />
        <Button small variant="ghost" onClick={onRemove} aria-label={`Remove ${name}`}>
          Remove rule
        </Button>
      </div>
      {rule.conditions.map((c, i) => (
        <ConditionRow
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no identity of their own until saved
          key={i}
          condition={c}
          name={`${name} condition ${i + 1}`}
          onChange={(next) => setCondition(i, next)}
          onRemove={() => setCondition(i, null)}
        />
      ))}
      <div className="row">
        <Button
          small
          onClick={() => onChange({ ...rule, conditions: [...rule.conditions, emptyCondition()] })}
        >
          + Condition
        </Button>
      </div>
      {depth < MAX_RULE_DEPTH ? (
        <div style={{ marginTop: '0.75rem' }}>
          <RuleList
            rules={rule.rules}
            depth={depth + 1}
            path={`${name} nested rule`}
            onChange={(rules) => onChange({ ...rule, rules })}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

function ConditionRow({
  condition,
  name,
  onChange,
  onRemove,
}: {
  condition: Condition;
  name: string;
  onChange: (c: Condition) => void;
  onRemove: () => void;
}) {
  const id = useId();
  const info = OPERATOR_INFO[condition.operator];
  return (
    <fieldset className="condition">
      <legend className="visually-hidden">{name}</legend>
      <div className="field">
        <label htmlFor={`${id}-p`}>Trait</label>
        <input
          id={`${id}-p`}
          className="input"
          value={condition.property ?? ''}
          disabled={!info.needsProperty && condition.operator !== 'PERCENTAGE_SPLIT'}
          placeholder={info.needsProperty ? 'e.g. plan' : '(identity)'}
          onChange={(e) => onChange({ ...condition, property: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-o`}>Operator</label>
        <select
          id={`${id}-o`}
          className="input"
          value={condition.operator}
          onChange={(e) => onChange({ ...condition, operator: e.target.value as Operator })}
        >
          {OPERATORS.map((op) => (
            <option key={op} value={op}>
              {OPERATOR_INFO[op].label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-v`}>Value</label>
        <input
          id={`${id}-v`}
          className="input"
          value={condition.value ?? ''}
          disabled={!info.needsValue}
          aria-describedby={info.hint ? `${id}-h` : undefined}
          onChange={(e) => onChange({ ...condition, value: e.target.value })}
        />
        {info.hint ? (
          <span className="hint" id={`${id}-h`}>
            {info.hint}
          </span>
        ) : null}
      </div>
      <Button small variant="ghost" onClick={onRemove} aria-label={`Remove ${name}`}>
        Remove
      </Button>
    </fieldset>
  );
}

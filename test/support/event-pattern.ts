/**
 * EventBridge event patterns (also Lambda's event filtering, same grammar), the subset the
 * template uses: nested objects, arrays of values (any one matches), `{ prefix }`, `{ exists }`,
 * `{ "anything-but" }`. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 * An unknown operator throws: the test must not pass a record a pattern it cannot read would refuse.
 */
type Json = unknown;

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const fields = event as Record<string, Json>;
  return Object.entries(pattern).every(([key, rule]) => {
    const value = fields[key];
    if (Array.isArray(rule)) return rule.some((one) => matchesValue(one, value));
    if (typeof rule === 'object' && rule !== null) return matchesPattern(rule as Record<string, Json>, value);
    throw new Error(`event pattern: ${key} is neither an array nor an object`);
  });
}

function matchesValue(rule: Json, value: Json): boolean {
  const values = Array.isArray(value) ? value : [value];
  if (typeof rule !== 'object' || rule === null) return value !== undefined && values.some((v) => v === rule);
  const [[operator, operand]] = Object.entries(rule as Record<string, Json>) as [[string, Json]];
  switch (operator) {
    case 'prefix':
      return values.some((v) => typeof v === 'string' && v.startsWith(operand as string));
    case 'exists':
      return (value !== undefined) === operand;
    case 'anything-but':
      return (
        value !== undefined && values.every((v) => (Array.isArray(operand) ? !operand.includes(v) : v !== operand))
      );
    default:
      throw new Error(`event pattern: operator ${operator} is not supported here`);
  }
}

import { useState } from 'react';
import type { SettingRow } from '../../../shared/evaluation';

/** Settings side by side; rows that differ are marked, and can be shown alone. */
export function SettingsTable(props: { names: string[]; rows: SettingRow[]; label: string }) {
  const differing = props.rows.filter((row) => row.differs).length;
  const [onlyDiffs, setOnlyDiffs] = useState(props.names.length > 1 && differing > 0);
  const rows = onlyDiffs ? props.rows.filter((row) => row.differs) : props.rows;
  return (
    <div className="settings-block">
      {props.names.length > 1 ? (
        <div className="settings-head">
          <span className="muted" data-testid="differences-count">
            {differing === 0
              ? 'The runs have the same settings.'
              : `${differing} setting${differing === 1 ? '' : 's'} differ${differing === 1 ? 's' : ''}`}
          </span>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={onlyDiffs}
              onChange={(event) => setOnlyDiffs(event.target.checked)}
            />
            Only what changed
          </label>
        </div>
      ) : null}
      {/* Focusable, so the keyboard can scroll it when it is taller than its box. */}
      <div className="table-wrap settings-wrap" tabIndex={0} role="region" aria-label={props.label}>
        <table className="table settings-table" aria-label={props.label}>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              {props.names.map((name, index) => (
                <th scope="col" key={`${name}-${index}`}>
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.setting} className={row.differs ? 'differs' : undefined}>
                <th scope="row">{row.setting}</th>
                {row.values.map((value, index) => (
                  <td key={index} className="setting-value">
                    {value}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

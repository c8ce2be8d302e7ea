import { useStudio } from '../../store/store-context';
import './runs.css';

/** Opens the run history from the header; it is not a step, so it is not a tab. */
export function RunsButton() {
  const active = useStudio((state) => state.activeTab === 'runs');
  const count = useStudio((state) => state.runs.length);
  const setActiveTab = useStudio((state) => state.setActiveTab);
  return (
    <button
      type="button"
      className={active ? 'runs-button active' : 'runs-button'}
      aria-pressed={active}
      onClick={() => setActiveTab('runs')}
    >
      <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">
        <path
          d="M10 3.5a6.5 6.5 0 1 1-6.2 4.6M3.5 3.5v4h4M10 6.5V10l2.5 2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      Runs
      <span className="count-badge" aria-label={`${count} runs`}>
        {count}
      </span>
    </button>
  );
}

import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StudioState } from './studio-state';
import type { StudioStore } from './studio-store';

interface StudioContextValue {
  store: StudioStore;
}

const StudioContext = createContext<StudioContextValue | null>(null);

export function StudioProvider(props: StudioContextValue & { children: ReactNode }) {
  return (
    <StudioContext.Provider value={{ store: props.store }}>{props.children}</StudioContext.Provider>
  );
}

function useStudioContext(): StudioContextValue {
  const value = useContext(StudioContext);
  if (!value) throw new Error('useStudio must be used inside <StudioProvider>.');
  return value;
}

/** Reads the store through a selector; wrap object-building selectors in useShallow. */
export function useStudio<T>(selector: (state: StudioState) => T): T {
  return useStore(useStudioContext().store, selector);
}

/** The raw store, for transient subscriptions (the live chart) outside React renders. */
export function useStudioStore(): StudioStore {
  return useStudioContext().store;
}

// ECharts 5's subpath typings re-export extensionless paths that NodeNext resolution cannot
// follow; these are the few signatures the reports chart uses (the runtime is ECharts' own).
declare module 'echarts/core' {
  export interface EChartsLike {
    setOption(option: unknown): void;
    resize(): void;
    dispose(): void;
  }
  export function use(parts: unknown[]): void;
  export function init(el: HTMLElement, theme?: string, opts?: { renderer?: 'svg' | 'canvas'; locale?: string }): EChartsLike;
  export function registerLocale(name: string, locale: unknown): void;
}
declare module 'echarts/charts' {
  export const BarChart: unknown;
  export const LineChart: unknown;
}
declare module 'echarts/components' {
  export const AriaComponent: unknown;
  export const GridComponent: unknown;
  export const LegendComponent: unknown;
  export const TooltipComponent: unknown;
}
declare module 'echarts/renderers' {
  export const SVGRenderer: unknown;
}
declare module 'echarts/i18n/langJA-obj.js' {
  const locale: unknown;
  export default locale;
}

import { useEffect, useRef } from 'react';
// Tree-shaken ECharts: only the bar and line charts, the components they use and the SVG renderer.
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import langJA from 'echarts/i18n/langJA-obj.js';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);
echarts.registerLocale('JA', langJA);

export interface ChartSeries {
  name: string;
  values: (number | null)[];
}

/** One chart: categories on the x axis, a series per measure (line for days/weeks, bars otherwise). */
export function ReportChart(props: { categories: string[]; series: ChartSeries[]; line: boolean; lang: 'ja' | 'en'; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'svg', locale: props.lang === 'ja' ? 'JA' : 'EN' });
    chart.setOption({
      aria: { enabled: true, label: { description: props.label } },
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 48 },
      textStyle: { fontFamily: 'system-ui, "Hiragino Sans", "Noto Sans JP", sans-serif' },
      xAxis: { type: 'category', data: props.categories, axisLabel: { rotate: props.categories.length > 8 ? 45 : 0 } },
      yAxis: { type: 'value' },
      series: props.series.map((s) => ({ name: s.name, type: props.line ? 'line' : 'bar', data: s.values })),
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [props.categories, props.series, props.line, props.lang, props.label]);
  return <div ref={el} className="report-chart" style={{ width: '100%', height: 320 }} role="img" aria-label={props.label} />;
}

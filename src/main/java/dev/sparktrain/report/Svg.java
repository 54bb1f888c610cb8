package dev.sparktrain.report;

import java.util.Locale;

/** A {@link Chart} as an inline SVG element (no scripts, no external resources). */
final class Svg {
    private Svg() {
    }

    static String render(Chart c) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\" role=\"img\" aria-label=\"%s\">%n",
                c.width, c.height, c.width, c.height, esc(c.title)));
        b.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", c.width, c.height));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                Chart.LEFT, esc(c.title)));
        double l = c.plotLeft(), t = c.plotTop(), w = c.plotWidth(), h = c.plotHeight();
        String[] yl = c.yLabels();
        for (int yi = 0; yi < c.yTicks.length; yi++) {
            double y = c.yTicks[yi];
            double py = c.py(y);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>%n", l, py, l + w, py));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%s</text>%n",
                    l - 6, py + 4, esc(yl[yi])));
        }
        String[] xl = c.xLabels();
        for (int xi = 0; xi < c.xTicks.length; xi++) {
            double x = c.xTicks[xi];
            double px = c.px(x);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#f0f0f0\"/>%n", px, t, px, t + h));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
                    px, t + h + 15, esc(xl[xi])));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>%n", l, t, w, h));
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
                l + w / 2, c.height - 8, esc(c.xLabel)));
        b.append(String.format(Locale.ROOT, "<text transform=\"translate(14,%.1f) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">%s</text>%n",
                t + h / 2, esc(c.yLabel + (c.logY ? " (log)" : ""))));
        for (Chart.Series s : c.series) {
            for (double[] seg : c.segments(s)) {
                StringBuilder d = new StringBuilder();
                for (int i = 0; i < seg.length; i += 2) d.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", seg[i], seg[i + 1]));
                b.append("<path class=\"series\" d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(s.color())
                        .append("\" stroke-width=\"2\"><title>").append(esc(s.name())).append("</title></path>\n");
                if (seg.length == 2) {
                    b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", seg[0], seg[1], s.color()));
                }
            }
        }
        double[] lx = c.legendX();
        for (int i = 0; i < c.series.size(); i++) {
            Chart.Series s = c.series.get(i);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"16\" x2=\"%.1f\" y2=\"16\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    lx[i], lx[i] + 18, s.color()));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"20\">%s</text>%n", lx[i] + 24, esc(s.name())));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

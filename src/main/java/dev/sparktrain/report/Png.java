package dev.sparktrain.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The charts drawn with java.awt on a headless {@link BufferedImage} (two columns), as PNG bytes.
 * Text needs fonts; on a machine without any, the labels are left out and the lines still drawn.
 */
final class Png {
    private Png() {
    }

    static byte[] render(List<Chart> charts, String title) {
        System.setProperty("java.awt.headless", "true");
        int cols = charts.size() > 1 ? 2 : 1;
        int rows = (charts.size() + cols - 1) / cols;
        int cw = charts.get(0).width;
        int ch = charts.get(0).height;
        int head = 36;
        BufferedImage img = new BufferedImage(cols * cw, head + rows * ch, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            boolean text = fontsWork(g);
            if (text) {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
                g.drawString(title, 12, 24);
            }
            for (int i = 0; i < charts.size(); i++) {
                Graphics2D cg = (Graphics2D) g.create((i % cols) * cw, head + (i / cols) * ch, cw, ch);
                try {
                    draw(cg, charts.get(i), text);
                } finally {
                    cg.dispose();
                }
            }
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static boolean fontsWork(Graphics2D g) {
        try {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            return g.getFontMetrics().stringWidth("0") > 0;
        } catch (RuntimeException | Error e) { // e.g. no fontconfig / fonts on a minimal machine
            return false;
        }
    }

    private static void draw(Graphics2D g, Chart c, boolean text) {
        double l = c.plotLeft(), t = c.plotTop(), w = c.plotWidth(), h = c.plotHeight();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = text ? g.getFontMetrics() : null;
        g.setStroke(new BasicStroke(1f));
        String[] yl = c.yLabels();
        for (int yi = 0; yi < c.yTicks.length; yi++) {
            double y = c.yTicks[yi];
            int py = (int) Math.round(c.py(y));
            g.setColor(new Color(0xe5e5e5));
            g.drawLine((int) l, py, (int) (l + w), py);
            if (text) {
                String s = yl[yi];
                g.setColor(new Color(0x444444));
                g.drawString(s, (int) (l - 6 - fm.stringWidth(s)), py + 4);
            }
        }
        String[] xl = c.xLabels();
        for (int xi = 0; xi < c.xTicks.length; xi++) {
            double x = c.xTicks[xi];
            int px = (int) Math.round(c.px(x));
            g.setColor(new Color(0xf0f0f0));
            g.drawLine(px, (int) t, px, (int) (t + h));
            if (text) {
                String s = xl[xi];
                g.setColor(new Color(0x444444));
                g.drawString(s, px - fm.stringWidth(s) / 2, (int) (t + h + 15));
            }
        }
        g.setColor(new Color(0x888888));
        g.drawRect((int) l, (int) t, (int) w, (int) h);
        if (text) {
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(c.title, Chart.LEFT, 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(new Color(0x444444));
            g.drawString(c.xLabel, (int) (l + w / 2 - fm.stringWidth(c.xLabel) / 2.0), c.height - 8);
            String axis = c.yLabel + (c.logY ? " (log)" : "");
            AffineTransform saved = g.getTransform();
            g.translate(14, t + h / 2);
            g.rotate(-Math.PI / 2);
            g.drawString(axis, -fm.stringWidth(axis) / 2, 0);
            g.setTransform(saved);
        }
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        for (Chart.Series s : c.series) {
            g.setColor(Color.decode(s.color()));
            for (double[] seg : c.segments(s)) {
                if (seg.length == 2) {
                    g.fillOval((int) seg[0] - 3, (int) seg[1] - 3, 6, 6);
                    continue;
                }
                Path2D.Double p = new Path2D.Double();
                p.moveTo(seg[0], seg[1]);
                for (int i = 2; i < seg.length; i += 2) p.lineTo(seg[i], seg[i + 1]);
                g.draw(p);
            }
        }
        double[] lx = c.legendX();
        for (int i = 0; i < c.series.size(); i++) {
            Chart.Series s = c.series.get(i);
            g.setColor(Color.decode(s.color()));
            g.setStroke(new BasicStroke(3f));
            g.drawLine((int) lx[i], 16, (int) lx[i] + 18, 16);
            if (text) {
                g.setColor(Color.BLACK);
                g.drawString(s.name(), (int) lx[i] + 24, 20);
            }
        }
    }
}

package dev.switchover.it;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a screenshot of the report page: finds each chart's plot area by its frame (a crisp
 * one-pixel rectangle in a colour only frames use) and measures where a colour was drawn inside
 * it. Legends and titles lie outside the frames, so a colour found inside a plot was drawn by
 * that plot's data.
 */
final class ChartPixels {

    /** A plot area, frame rows and columns excluded. */
    record Plot(int top, int bottom, int left, int right) {
    }

    /** How many pixels of a colour a plot holds, and how far they spread across it. */
    record Coverage(int pixels, int minX, int maxX) {
        int spread() {
            return pixels == 0 ? 0 : maxX - minX + 1;
        }
    }

    private final BufferedImage image;

    ChartPixels(BufferedImage image) {
        this.image = image;
    }

    /** The plots, top to bottom: rows mostly in the frame colour, taken in pairs (top edge, bottom edge). */
    List<Plot> plots(int frameRgb, int minFrameWidth) {
        List<int[]> edges = new ArrayList<>(); // {row, minX, maxX}
        int lastRow = -2;
        for (int y = 0; y < image.getHeight(); y++) {
            int count = 0;
            int minX = Integer.MAX_VALUE;
            int maxX = -1;
            for (int x = 0; x < image.getWidth(); x++) {
                if (matches(image.getRGB(x, y), frameRgb, 3)) {
                    count++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                }
            }
            if (count >= minFrameWidth) {
                if (y != lastRow + 1) {
                    edges.add(new int[] {y, minX, maxX});
                }
                lastRow = y;
            }
        }
        List<Plot> plots = new ArrayList<>();
        for (int i = 0; i + 1 < edges.size(); i += 2) {
            int[] top = edges.get(i);
            int[] bottom = edges.get(i + 1);
            plots.add(new Plot(top[0] + 1, bottom[0] - 1, top[1] + 1, top[2] - 1));
        }
        return plots;
    }

    /** Where {@code rgb} (within {@code tolerance} per channel) appears inside {@code plot}. */
    Coverage coverage(Plot plot, int rgb, int tolerance) {
        int pixels = 0;
        int minX = Integer.MAX_VALUE;
        int maxX = -1;
        for (int y = plot.top(); y <= plot.bottom(); y++) {
            for (int x = plot.left(); x <= plot.right(); x++) {
                if (matches(image.getRGB(x, y), rgb, tolerance)) {
                    pixels++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                }
            }
        }
        return new Coverage(pixels, minX, maxX);
    }

    static int parseColour(String hash) {
        if (!hash.matches("#[0-9a-fA-F]{6}")) {
            throw new IllegalArgumentException("not a #rrggbb colour: " + hash);
        }
        return Integer.parseInt(hash.substring(1), 16);
    }

    private static boolean matches(int argb, int rgb, int tolerance) {
        return Math.abs(((argb >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= tolerance
                && Math.abs(((argb >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= tolerance
                && Math.abs((argb & 0xff) - (rgb & 0xff)) <= tolerance;
    }
}

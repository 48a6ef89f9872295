# Draws read_latency.png from read_latency.csv (see plot.sh):
#   gnuplot -e "csv='read_latency.csv'; png='read_latency.png'" read_latency.gp
# One panel per read workload (libcrm blue circles, raw SQLite orange squares,
# latency against customers in the workspace), and a last one with libcrm's latency
# as a multiple of SQLite's for every workload.
set terminal png size 1080,660 font "DejaVu Sans,9" noenhanced  # libgd: ~20 KB
set output png
set datafile separator ","
set datafile missing ""
stats csv using 1 nooutput
set logscale x
set xrange [STATS_min / 1.4 : STATS_max * 1.4]
set format x "%.0s%c"
set xlabel "customers (5 events each)"
set grid lc rgb "#dddddd"
set key top left
set yrange [0:*]
set multiplot layout 2,3 title "libcrm read latency against workspace size (crm_benchmarks, median)"

do for [w in "get_by_id get_by_email get_by_external_id filter_user_field latest_50_events"] {
  set title w
  set ylabel "latency (us)"
  plot csv using 1:(column(w."_libcrm")) with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "libcrm", \
       csv using 1:(column(w."_sqlite")) with linespoints lw 2 pt 5 dt 2 lc rgb "#ff7f0e" title "SQLite"
}

set title "libcrm latency / SQLite latency"
set ylabel "x SQLite"
set yrange [0:*]
set key bottom right font ",8" opaque
colors = "#1f77b4 #2ca02c #9467bd #d62728 #8c564b"
workloads = "get_by_id get_by_email get_by_external_id filter_user_field latest_50_events"
plot for [i = 1:5] csv using 1:(column(word(workloads, i)."_libcrm") / column(word(workloads, i)."_sqlite")) \
       with linespoints lw 2 pt 7 lc rgb word(colors, i) title word(workloads, i), \
     1.3 with lines dt 3 lw 2 lc rgb "#888888" title "target 1.3x (1.5x filter)"
unset multiplot

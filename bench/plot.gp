# sshtun: benchmark chart: iperf3 throughput through the tunnel, OpenSSH ssh -w vs sshtun, per cipher/MTU/direction.
# Called by bench/bench.sh:
#   gnuplot -e "datafile='X-chart.dat'; outfile='X.png'; runs='3'; duration='10'" bench/plot.gp
# datafile columns: label ssh_median ssh_min ssh_max sshtun_median sshtun_min sshtun_max (Mbit/s);
# bars are medians, error bars span the runs' min..max.
if (!exists("datafile")) datafile = 'bench/results/latest-chart.dat'
if (!exists("outfile")) outfile = 'bench/results/latest.png'
if (!exists("runs")) runs = '?'
if (!exists("duration")) duration = '?'

set terminal pngcairo size 1200,650 font 'sans,11'
set output outfile
set title sprintf("iperf3 TCP through the tunnel (median of %s runs of %s s; bars: min..max)", runs, duration)
set ylabel 'Mbit/s (iperf3 receiver)'
set xlabel 'cipher / tun MTU / direction (up: client -> server)'
set yrange [0:*]
set grid ytics
set key top left
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by 25 right nomirror
set bmargin 9
plot datafile using 2:3:4:xtic(1) title 'OpenSSH ssh -w' linecolor rgb '#4c72b0', \
     '' using 5:6:7 title 'sshtun' linecolor rgb '#dd8452'

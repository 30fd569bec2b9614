# GET /health answers ok; GET /hello greets with $GREETING; GET /exit answers, then exits with code 3.
# Each start is appended to /data/starts when /data is mounted. Its port is its first argument.
use strict;
use warnings;
use IO::Socket::INET;

$| = 1;
my $port = $ARGV[0] // 8000;
# PID 1 in a container: without a handler SIGTERM would be ignored.
$SIG{TERM} = sub { print "stopping on SIGTERM\n"; exit 0; };
my $server = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $port, Listen => 16, ReuseAddr => 1) or die "listen: $!";
if (-d '/data' && open(my $starts, '>>', '/data/starts')) {
    print $starts "started\n";
    close $starts;
}
print "listening on $port\n";
print STDERR "a line on stderr\n";
while (my $client = $server->accept) {
    my $request = <$client>;
    next unless defined $request;
    my (undef, $path) = split ' ', $request;
    while (my $header = <$client>) {
        last if $header =~ /^\r?\n$/;
    }
    print "GET $path\n";
    my ($status, $body) = (200, "ok\n");
    $body = "hello, " . ($ENV{GREETING} // 'nobody') . "\n" if $path eq '/hello';
    ($status, $body) = (404, "not found\n") unless $path =~ m{^/(health|hello|exit)$};
    print $client "HTTP/1.0 $status X\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
    close $client;
    if ($path eq '/exit') {
        print "exiting with code 3\n";
        exit 3;
    }
}

export default function Home() {
  return <p>hello from node-next-standalone</p>;
}
export async function getServerSideProps() {
  return { props: {} };
}
